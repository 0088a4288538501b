// Thrashing: the program loops over 6 pages, but its working set may hold only 3 and
// RAM has only 4 frames. Every page is pushed out shortly before the loop needs it
// again, so every access of every pass faults. The first pass takes 6 demand-zero
// faults; each later pass takes 6 hard faults, because by the time a page is needed
// again its frame has been reused: its dirty copy was written to the page file (a
// disk write) and must now be read back (a disk read). Watch the fault counters climb
// by 6 per pass and the page file busy with writes and reads while the program gets
// almost nothing done.
// (Change the pragma to frames=8 working_set=8 and re-run: only the first pass faults.)
// working_set=3 is a hard maximum (SetProcessWorkingSetSizeEx with
// QUOTA_LIMITS_HARDWS_MAX_ENABLE): the process may never hold more than 3 frames, the
// textbook's fixed allocation. With Windows' default soft limits it could grow into the
// free frame while memory lasts.
#pragma pagelab frames=4 pagefile=16 working_set=3 cluster=1
#include <windows.h>
#include <stdio.h>

int main() {
    // Six pages committed: no RAM is used yet.
    char *p = VirtualAlloc(NULL, 6 * 4096, MEM_COMMIT, PAGE_READWRITE);
    for (int pass = 0; pass < 4; pass++) {
        for (int i = 0; i < 6; i++) {
            // Each access reads a page and writes it back: the page must be in RAM, and
            // it becomes dirty. With 3 pages of working set, page i was trimmed 3 accesses ago.
            //? The first pass touches page 0: which kind of fault? => fault
            //? Second pass, page 0 again (the 7th access): how many page faults? => faults @7
            p[i * 4096] = p[i * 4096] + 1;
        }
    }
    printf("each page was incremented %d times\n", p[0]);
    return 0;
}
// Takeaway: when a loop needs more pages than its working set holds, every access faults
// and the program spends its time paging.
