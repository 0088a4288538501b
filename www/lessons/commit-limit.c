// The commit limit: every committed page is a promise that RAM or the page file can hold
// it, so the system commit limit is RAM frames + page-file slots (here 8 + 8 = 16 pages).
// Watch for: the commit charge gauge climbing at VirtualAlloc time (not at first touch);
// a commit that would pass the limit fails with ERROR_COMMITMENT_LIMIT (1455) while a
// reserve of the same size still succeeds (reserving costs no commit); after a decommit
// the same commit succeeds.
#pragma pagelab frames=8 pagefile=8 working_set=4
#include <windows.h>
#include <stdio.h>

int main() {
    // 12 pages: within the limit of 16, even though no page has been touched.
    //? After committing 12 untouched pages, what is the commit charge in pages? => commit
    char *a = VirtualAlloc(NULL, 12 * 4096, MEM_COMMIT, PAGE_READWRITE);
    printf("12 pages committed at %p\n", a);

    // 8 more would make 20 > 16: refused, NULL, error 1455.
    //? 8 more pages would make 20 against a limit of 16. What does GetLastError() say? => error
    char *b = VirtualAlloc(NULL, 8 * 4096, MEM_COMMIT, PAGE_READWRITE);
    printf("8 more pages: %p, GetLastError() = %lu (ERROR_COMMITMENT_LIMIT)\n", b, GetLastError());

    // Reserving is free: only address space is taken.
    //? Reserving 8 pages instead: what does GetLastError() say? => error
    char *r = VirtualAlloc(NULL, 8 * 4096, MEM_RESERVE, PAGE_READWRITE);
    printf("reserving 8 pages instead: %p\n", r);

    // Committing them inside the reservation hits the same limit.
    b = VirtualAlloc(r, 8 * 4096, MEM_COMMIT, PAGE_READWRITE);
    printf("committing the reservation: %p, GetLastError() = %lu\n", b, GetLastError());

    // Give back 8 pages of the first allocation, and the commit fits.
    VirtualFree(a + 4 * 4096, 8 * 4096, MEM_DECOMMIT);
    b = VirtualAlloc(r, 8 * 4096, MEM_COMMIT, PAGE_READWRITE);
    printf("after decommitting 8 pages: %p\n", b);
    return 0;
}
// Takeaway: commit is charged when memory is committed, not when it is touched, and no
// commit may pass RAM plus the page file.
