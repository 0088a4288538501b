// VirtualAlloc and VirtualFree, with the mistakes beginners make. Watch for:
// MEM_DECOMMIT gives back the memory but keeps the addresses reserved; MEM_RELEASE
// gives back the whole allocation and needs size 0 and the allocation's base; a
// failed call returns NULL or FALSE and GetLastError() says why (87 invalid
// parameter, 487 invalid address). Recommitted memory reads as zeros again.
#pragma pagelab frames=8 pagefile=16 working_set=4
#include <windows.h>
#include <stdio.h>

int main() {
    // Reserve and commit 4 pages in one call.
    char *p = VirtualAlloc(NULL, 4 * 4096, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    printf("allocated 4 pages at %p\n", p);
    p[4096] = 'Z';
    printf("page 1 holds '%c'\n", p[4096]);

    // Decommit page 1 only: the addresses stay ours (reserved), the memory goes.
    BOOL ok = VirtualFree(p + 4096, 4096, MEM_DECOMMIT);
    printf("decommit page 1: %d\n", ok);
    //? Page 1 was decommitted. What does writing it raise? => exception
    p[4096] = 'Y';
    printf("writing a decommitted page is an access violation (see above)\n");

    // Commit it again: a fresh page of zeros, not the old 'Z'.
    VirtualAlloc(p + 4096, 4096, MEM_COMMIT, PAGE_READWRITE);
    printf("recommitted page 1 reads %d\n", p[4096]);

    // Mistakes, each answered with FALSE/NULL and an error code.
    //? MEM_RELEASE with a size: what does GetLastError() say? => error
    ok = VirtualFree(p, 4 * 4096, MEM_RELEASE);
    printf("MEM_RELEASE with a size:         %d, GetLastError() = %lu (ERROR_INVALID_PARAMETER)\n", ok, GetLastError());
    //? MEM_RELEASE not at the allocation's base: what does GetLastError() say? => error
    ok = VirtualFree(p + 4096, 0, MEM_RELEASE);
    printf("MEM_RELEASE not at the base:     %d, GetLastError() = %lu (ERROR_INVALID_ADDRESS)\n", ok, GetLastError());
    char *q = VirtualAlloc(p, 4096, MEM_RESERVE, PAGE_READWRITE);
    printf("reserving over our allocation:   %p, GetLastError() = %lu (ERROR_INVALID_ADDRESS)\n", q, GetLastError());
    q = VirtualAlloc(NULL, 0, MEM_COMMIT, PAGE_READWRITE);
    printf("size 0:                          %p, GetLastError() = %lu (ERROR_INVALID_PARAMETER)\n", q, GetLastError());
    q = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_WRITECOPY);
    printf("PAGE_WRITECOPY on private memory: %p, GetLastError() = %lu (ERROR_INVALID_PARAMETER)\n", q, GetLastError());

    // The right way: base address, size 0, MEM_RELEASE.
    ok = VirtualFree(p, 0, MEM_RELEASE);
    printf("MEM_RELEASE done right:          %d\n", ok);
    ok = VirtualFree(p, 0, MEM_RELEASE);
    printf("releasing it twice:              %d, GetLastError() = %lu (ERROR_INVALID_ADDRESS)\n", ok, GetLastError());
    return 0;
}
// Takeaway: decommit gives back memory but keeps the addresses; release gives back the
// whole allocation and needs its base and size 0; failures say why through GetLastError().
