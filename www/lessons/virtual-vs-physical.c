// Virtual versus physical addresses: a program only ever sees virtual addresses; which
// physical frame backs a page is the memory manager's business and can change while
// the program runs. Watch for: the page at p is first put in frame 0; it is paged out
// and saved to the page file, frame 0 is reused for another page, and when p is read
// again a hard fault brings it back into a different frame (frame 1). The address and
// the bytes never change; only the PTE's frame number does.
#pragma pagelab frames=4 pagefile=8 working_set=4 cluster=1
#include <windows.h>
#include <stdio.h>

int main() {
    char *p = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
    //? How many page faults does memmove take to store the bytes in the fresh page? => faults
    memmove(p, "same bytes", 11);
    printf("p = %p holds \"%s\"\n", p, p);

    // Take the page out of the working set and write it to the page file.
    PageOut(p);
    WriteModifiedPages();

    // Four other pages now fill the four frames of RAM; one of them reuses p's old frame.
    char *q = VirtualAlloc(NULL, 4 * 4096, MEM_COMMIT, PAGE_READWRITE);
    for (int i = 0; i < 4; i++) {
        q[i * 4096] = 'q';
    }

    // Same virtual address, same bytes, a different frame behind them.
    //? Reading p again: which kind of fault brings its page back? => fault
    printf("p = %p still holds \"%s\"\n", p, p);
    return 0;
}
// Takeaway: a program sees only virtual addresses; the frame behind a page is chosen by
// the memory manager and may change while the address and the bytes stay the same.
