// Disk paging and the page file: when RAM is short, the memory manager saves pages to
// the page file and gives their frames to someone else. Watch for: PageOut trims the
// four written pages to the modified list; WriteModifiedPages writes each one to a
// page-file slot (disk writes) and moves its frame to standby; four new pages then
// need those frames, so the standby pages are repurposed and their PTEs now point at
// page-file slots. Reading the old pages back is a hard fault per page: a disk read
// from the slot into a frame. The bytes come back exactly as written.
// (Try #pragma pagelab standby=off: the textbook model writes a dirty page at once.)
#pragma pagelab frames=4 pagefile=16 working_set=4 cluster=1 modified_threshold=8
#include <windows.h>
#include <stdio.h>

int main() {
    char *old = VirtualAlloc(NULL, 4 * 4096, MEM_COMMIT, PAGE_READWRITE);
    for (int i = 0; i < 4; i++) {
        old[i * 4096] = 'A' + i;
    }

    // Out of the working set, then out to disk.
    EmptyWorkingSet(GetCurrentProcess());
    //? How many pages does the modified page writer write to the page file? => pagefile_writes
    WriteModifiedPages();

    // Four new pages take the four frames of RAM.
    char *fresh = VirtualAlloc(NULL, 4 * 4096, MEM_COMMIT, PAGE_READWRITE);
    for (int i = 0; i < 4; i++) {
        fresh[i * 4096] = 'w';
    }

    // Each read of an old page is a hard fault: the page is read back from its slot.
    //? Reading the four old pages back: how many hard faults? => hard_faults
    printf("read back from the page file: %c%c%c%c\n",
           old[0], old[4096], old[2 * 4096], old[3 * 4096]);
    return 0;
}
// Takeaway: a modified page trimmed from RAM is written to the page file; touching it
// later is a hard fault that reads it back.
