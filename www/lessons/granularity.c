// 64 KB allocation granularity. Pages are 4 KB, but VirtualAlloc starts every new
// reservation on a 64 KB boundary (the allocation granularity): two one-page allocations
// land 0x10000 bytes apart, and the 15 pages after the first one stay unused addresses
// that no other allocation can start in. An address given to MEM_RESERVE is
// rounded down to 64 KB; inside a reservation, commits are rounded to 4 KB pages.
#pragma pagelab frames=8 pagefile=8 working_set=4
#include <windows.h>
#include <stdio.h>

int main() {
    char *a = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
    printf("a = %p\n", a);
    // A second page-sized allocation does not start at a + 4096.
    //? a is at 0x23456700000. At what address does the next one-page allocation start? (decimal or 0x hex) => value
    char *b = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
    printf("b = %p, %llu KB after a\n", b, (b - a) / 1024);
    // Reserving at an address that is not on a 64 KB boundary rounds it down.
    //? Reserving at 0x30000001234: which address does VirtualAlloc return? => value
    char *c = VirtualAlloc((void*)0x30000001234, 64 * 1024, MEM_RESERVE, PAGE_READWRITE);
    printf("c = %p\n", c);
    // Committing inside the reservation rounds to the page, not to 64 KB.
    char *d = VirtualAlloc(c + 0x3010, 8, MEM_COMMIT, PAGE_READWRITE);
    printf("d = %p\n", d);
    return 0;
}
// Takeaway: reservations begin on 64 KB boundaries, commits on 4 KB pages; a tiny
// VirtualAlloc still takes a whole 64 KB block of addresses.
