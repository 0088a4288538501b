// Demand paging: committing memory costs no RAM; a frame is given to a page only when
// the page is first touched. Watch for: VirtualAlloc takes no frame at all; each first
// touch of a page is a demand-zero page fault that takes a frame from the zeroed list
// (6 pages touched = 6 demand-zero faults = 6 frames); a first touch by a read gets the
// zeros too. The second pass over the same 6 pages takes no fault at all: the pages
// are in RAM. The TLB holds only 4 translations, so each of them misses the TLB and
// the CPU walks the page tables to find the valid PTE: a TLB miss, not a page fault.
#pragma pagelab frames=8 pagefile=8 working_set=8 tlb=4
#include <windows.h>
#include <stdio.h>

int main() {
    //? How many page faults does committing 8 pages take? => faults
    char *p = VirtualAlloc(NULL, 8 * 4096, MEM_COMMIT, PAGE_READWRITE);
    printf("8 pages committed, 0 frames used\n");

    // First pass: 5 writes and 1 read, each on a page never touched before.
    for (int i = 0; i < 5; i++) {
        //? The first write to a page never touched: which kind of fault? => fault
        p[i * 4096] = '0' + i;
    }
    printf("page 5 reads %d before anyone wrote it\n", p[5 * 4096]);

    // Second pass: the same 6 pages, all resident now.
    for (int i = 0; i < 6; i++) {
        //? Second pass over page 0, which is in RAM: how many page faults? => faults
        p[i * 4096 + 1] = 'x';
    }
    printf("pages 6 and 7 were never touched, so they still have no frame\n");
    return 0;
}
// Takeaway: committing promises memory, touching uses it: a first touch is a demand-zero
// fault, and a page in RAM costs no fault at all.
