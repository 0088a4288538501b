// The standby and modified lists: a page trimmed from the working set is not thrown
// away at once. A page whose bytes are also in the page file, unchanged since they were
// saved, goes to the standby list; any other page goes to the modified list, and that
// includes a demand-zero page that was only read: it is born modified, because no copy
// of it exists anywhere else (Windows marks its frame modified when the fault hands it
// out). Either way its PTE becomes a transition PTE that still names the frame. Watch
// for: touching such a page again is a soft fault (a "transition" fault): the frame goes
// straight back into the working set, with no disk I/O. The modified page writer saves
// modified pages to the page file and moves them to standby, so their frames can later
// be reused safely.
#pragma pagelab frames=8 pagefile=8 working_set=8 cluster=1
#include <windows.h>
#include <stdio.h>

int main() {
    char *p = VirtualAlloc(NULL, 2 * 4096, MEM_COMMIT, PAGE_READWRITE);
    char *written = p;
    char *read_only = p + 4096;
    written[0] = 'W';
    printf("the page only read holds %d\n", read_only[0]);

    // Trim both. The written page holds changes that are nowhere else.
    //? The written page: which list does it go to when trimmed? => list
    PageOut(written);
    // The page only read holds zeros, but nothing else holds them: a demand-zero page
    // is born modified, so it must be saved before its frame can be reused.
    //? The page that was only read: which list does it go to? => list
    PageOut(read_only);

    // Soft faults: each page comes back in the same frame, without reading the disk.
    //? Reading that page again: which kind of fault? => fault
    printf("the page only read, again: %d\n", read_only[0]);
    printf("the written page, again: %c\n", written[0]);

    // Trim both again and let the modified page writer save them: now each has a copy
    // in the page file, unchanged, so each waits on the standby list.
    PageOut(p, 2 * 4096);
    WriteModifiedPages();
    printf("after the writer: %d (a soft fault from standby)\n", read_only[0]);

    // Unchanged since it was saved, the page only read now goes to standby when trimmed.
    //? Trimmed now, which list does the page only read go to? => list
    PageOut(read_only);

    // Writing a page makes its page-file copy out of date; the slot is freed.
    written[1] = '!';
    printf("%s\n", written);
    return 0;
}
// Takeaway: a trimmed page waits on the modified list until the page file holds a copy
// (a demand-zero page is born modified, even if only read), then on standby; touching it
// again is a cheap soft fault with no disk I/O.
