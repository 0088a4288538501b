// 48-bit virtual addresses and the four-level page-table walk. An x86-64 address uses
// 48 bits, cut 9/9/9/9/12: bits 47-39 index the PML4, 38-30 the PDPT, 29-21 the PD,
// 20-12 the PT, and bits 11-0 are the byte offset in the 4 KB page. Each table has
// 2^9 = 512 entries, so one PML4 entry covers 512 GB, a PDPT entry 1 GB, a PD entry
// 2 MB and a PT entry 4 KB. User space is the lower 128 TB (0x10000 to 0x7FFFFFFEFFFF).
//
// Watch the address split of each write:
//   0x7FF012345678 = PML4 255 | PDPT 448 | PD 145 | PT 325 | offset 0x678
//   0x7FFFFFFE0010 = PML4 255 | PDPT 511 | PD 511 | PT 480 | offset 0x010
//   0x000000010010 = PML4 0   | PDPT 0   | PD 0   | PT 16  | offset 0x010
// The second write shares the PML4 entry with the first, so only a new PDPT entry, PD
// and PT are built; the third needs a whole new path from PML4 entry 0.
#pragma pagelab frames=8 pagefile=8
#include <windows.h>
#include <stdio.h>

int main() {
    // Ask for an explicit high address: 6 pages at 0x7FF012340000.
    char *high = VirtualAlloc((void*)0x7FF012340000, 6 * 4096, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    printf("high allocation at %p\n", high);
    high[0x5678] = 'H';

    // One page in the last 64 KB block user space allows.
    char *top = VirtualAlloc((void*)0x7FFFFFFE0000, 4096, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    printf("top allocation at  %p\n", top);
    //? This page has never been touched since its PTE was made. Will the TLB hit or miss? => tlb
    top[0x10] = 'T';

    // A low address: the first 64 KB block above the NULL region is 0x10000.
    char *low = VirtualAlloc((void*)0x10000, 4096, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    printf("low allocation at  %p\n", low);
    low[0x10] = 'L';

    //? The three pages were just written. How many page faults does reading them back take? => faults
    printf("read back: %c %c %c\n", high[0x5678], top[0x10], low[0x10]);

    // 0x800000000000 needs bit 47: that half belongs to the kernel. VirtualAlloc refuses.
    char *kernel = VirtualAlloc((void*)0x800000000000, 4096, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    printf("above user space: %p, GetLastError() = %lu (ERROR_INVALID_PARAMETER)\n", kernel, GetLastError());
    return 0;
}
// Takeaway: the CPU reads an address as four 9-bit table indices and a 12-bit offset; the
// TLB caches finished walks, so only a miss walks the tables.
