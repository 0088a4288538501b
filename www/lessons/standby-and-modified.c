// The standby and modified lists: a page trimmed from the working set is not thrown
// away at once. A clean page (same bytes as its saved copy, or never written) goes to
// the standby list; a dirty page goes to the modified list. Its PTE becomes a
// transition PTE that still names the frame. Watch for: touching such a page again is
// a soft fault (a "transition" fault): the frame goes straight back into the working
// set, with no disk I/O. The modified page writer saves modified pages to the page
// file and moves them to standby, so their frames can later be reused safely.
#pragma pagelab frames=8 pagefile=8 working_set=8 cluster=1
#include <windows.h>
#include <stdio.h>

int main() {
    char *p = VirtualAlloc(NULL, 2 * 4096, MEM_COMMIT, PAGE_READWRITE);
    char *dirty = p;
    char *clean = p + 4096;
    dirty[0] = 'D';
    printf("the clean page reads %d\n", clean[0]);

    // Trim both: the dirty one goes to the modified list, the clean one to standby.
    //? The dirty page was written. Which list does it go to when trimmed? => list
    PageOut(dirty);
    //? The clean page was only read. Which list does it go to? => list
    PageOut(clean);

    // Soft faults: each page comes back in the same frame, without reading the disk.
    //? Reading the clean page again: which kind of fault? => fault
    printf("clean page again: %d\n", clean[0]);
    printf("dirty page again: %c\n", dirty[0]);

    // Trim the dirty page, then let the modified page writer save it: now it is on
    // standby with a copy in the page file.
    PageOut(dirty);
    WriteModifiedPages();
    printf("after the writer: %c (another soft fault from standby)\n", dirty[0]);

    // Writing the page makes the page-file copy out of date; the slot is freed.
    dirty[1] = '!';
    printf("%s\n", dirty);
    return 0;
}
// Takeaway: trimmed pages wait on the standby (clean) or modified (dirty) list; touching
// them again is a cheap soft fault with no disk I/O.
