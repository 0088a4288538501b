// Replacement policy 2 of 3: LRU (least recently used). When the working set is full,
// LRU trims the page whose last use is oldest. Watch for: the hot page is used every
// other access, so it is never the least recently used and is never trimmed; only the
// cold pages come and go. Count the faults: 5 first-touch faults + 4 more = 9 for 16
// accesses, fewer than FIFO's 11. LRU needs the time of every access, which hardware
// does not record, so real systems approximate it (see the clock lesson).
// working_set=3 is a hard maximum (SetProcessWorkingSetSizeEx with
// QUOTA_LIMITS_HARDWS_MAX_ENABLE): a fixed 3 frames for the process, as in the textbook,
// so the policy alone decides which page leaves.
#pragma pagelab frames=8 pagefile=16 working_set=3 policy=lru cluster=1
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
// Takeaway: LRU evicts the page unused longest and keeps a hot page resident.
