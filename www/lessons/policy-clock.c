// Replacement policy 3 of 3: clock (second chance), the approximation of LRU that
// Windows' working-set manager uses with the hardware accessed bit. The hand sweeps
// the working set: a page whose accessed bit is set gets a second chance (the bit is
// cleared and the hand moves on); the first page found with a clear bit is trimmed.
// Watch the accessed bits and the hand: the hot page keeps getting its bit set again,
// so it survives sweeps that remove cold pages, though not every one. Count the
// faults: 5 first-touch faults + 5 more = 10 for 16 accesses, between LRU's 9 and
// FIFO's 11, at the cost of one bit per page instead of a timestamp per access.
// working_set=3 is a hard maximum (SetProcessWorkingSetSizeEx with
// QUOTA_LIMITS_HARDWS_MAX_ENABLE): a fixed 3 frames for the process, as in the textbook.
#pragma pagelab frames=8 pagefile=16 working_set=3 policy=clock cluster=1
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
// Takeaway: the clock policy gives recently used pages a second chance with one accessed
// bit, close to LRU at a fraction of the cost.
