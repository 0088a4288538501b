// Replacement policy 1 of 3: FIFO (first in, first out). When the working set is full
// and a page must come in, FIFO trims the page that was loaded earliest, however often
// it is used. Watch for: the hot page is used every other access, yet FIFO trims it
// whenever it becomes the oldest, and it must fault straight back in. The trimmed
// pages stay in RAM on the modified or standby list, so these are soft faults, but each is
// still a trap into the memory manager. Count them: 5 first-touch faults + 6 more =
// 11 faults for 16 accesses. Compare with the LRU and clock lessons, which run the
// very same loop (or change policy= below and re-run).
// working_set=3 is a hard maximum, as SetProcessWorkingSetSizeEx with
// QUOTA_LIMITS_HARDWS_MAX_ENABLE sets it: the process keeps a fixed 3 frames, the
// textbook setting, so a fault at the maximum trims one of its own pages. (Windows'
// default limits are soft; try policy=opt too: it knows the loop's future.)
#pragma pagelab frames=8 pagefile=16 working_set=3 policy=fifo cluster=1
#include <windows.h>
#include <stdio.h>

int main() {
    char *p = VirtualAlloc(NULL, 5 * 4096, MEM_COMMIT, PAGE_READWRITE);
    char *hot = p;
    // The same reference string in all three policy lessons: the hot page between
    // each of four cold pages, twice: H 1 H 2 H 3 H 4 H 1 H 2 H 3 H 4.
    for (int round = 0; round < 2; round++) {
        for (int c = 1; c < 5; c++) {
            //? H 1 H 2 H 3, then the hot page a fourth time: how many page faults does it take? => faults @4
            hot[0] = 'H';
            //? Round two, cold page 1 again: how many page faults? => faults @5
            p[c * 4096] = 'C';
        }
    }
    printf("16 accesses to 5 pages through a working set of 3 pages\n");
    return 0;
}
// Takeaway: FIFO evicts the oldest page even when it is the busiest one.
