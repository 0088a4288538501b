// Pages and frames: virtual memory is cut into 4 KB pages, physical RAM into 4 KB
// frames, and the page tables say which frame holds which page. Watch for: the three
// writes into page 0 cost one fault and one frame; byte 4096 is already the next page
// and needs a frame of its own; the frames are handed out in the order pages are first
// touched, not in address order, so page 3 gets frame 2 and page 2 gets frame 3. The
// low 12 bits of an address (the byte offset) are the same in the page and its frame.
#pragma pagelab frames=8 pagefile=8 working_set=8
#include <windows.h>
#include <stdio.h>

int main() {
    char *p = VirtualAlloc(NULL, 4 * 4096, MEM_COMMIT, PAGE_READWRITE);

    // Three bytes in page 0 (offsets 0x000, 0x123, 0xFFF): one fault, one frame.
    p[0] = 'a';
    //? p[0] is already written. How many page faults does writing p[0x123] take? => faults
    p[0x123] = 'b';
    p[4095] = 'c';

    // One byte further is offset 0x000 of page 1.
    //? How many page faults does writing byte 4096 take? => faults
    p[4096] = 'd';

    // Touch page 3 before page 2: it takes the next free frame.
    p[3 * 4096 + 0x10] = 'e';
    //? Frames 0, 1 and 2 are in use. Which frame will page 2 get? => frame
    p[2 * 4096 + 0x20] = 'f';

    printf("page 0 holds %c %c %c, page 1 holds %c, page 2 holds %c, page 3 holds %c\n",
           p[0], p[0x123], p[4095], p[4096], p[2 * 4096 + 0x20], p[3 * 4096 + 0x10]);
    printf("4 pages touched, 4 frames in use, 6 writes\n");
    return 0;
}
// Takeaway: memory is handled in 4 KB pages; each touched page gets a frame of its own, in
// the order pages are first touched, and the offset inside the page is kept.
