// Clustering: a disk read costs far more than reading a few more pages in the same
// I/O, so a hard fault also reads the faulting page's neighbours from the page file
// (here cluster=4: the page and up to 3 more of the same allocation, as long as their
// data sits in the slots next to its slot, because one I/O reads contiguous slots). Watch for: the
// first read of an old page is a hard fault whose cluster read brings 3 neighbours
// into RAM as well; they go to the standby list as prefetched pages, so the next three
// reads are only soft (transition) faults: 1 hard fault instead of 4.
// (Set cluster=1 and re-run: every one of the four reads becomes a hard fault.)
#pragma pagelab frames=8 pagefile=16 working_set=4 cluster=4 modified_threshold=8
#include <windows.h>
#include <stdio.h>

int main() {
    char *old = VirtualAlloc(NULL, 4 * 4096, MEM_COMMIT, PAGE_READWRITE);
    for (int i = 0; i < 4; i++) {
        old[i * 4096] = 'A' + i;
    }
    // Save the four pages to the page file.
    EmptyWorkingSet(GetCurrentProcess());
    WriteModifiedPages();

    // Eight new pages use every frame, so the old pages' frames are reused.
    char *fresh = VirtualAlloc(NULL, 8 * 4096, MEM_COMMIT, PAGE_READWRITE);
    for (int i = 0; i < 8; i++) {
        fresh[i * 4096] = 'w';
    }
    EmptyWorkingSet(GetCurrentProcess());
    WriteModifiedPages();

    // One hard fault, then three soft faults on the prefetched neighbours.
    //? Reading old[0], which is in the page file: which kind of fault? => fault
    printf("%c", old[0]);
    //? Its neighbour was read in the same cluster. Which kind of fault now? => fault
    printf("%c", old[4096]);
    printf("%c", old[2 * 4096]);
    printf("%c\n", old[3 * 4096]);
    return 0;
}
// Takeaway: one hard fault reads its neighbours too, so sequential access pays for the
// disk once per cluster.
