// Guard pages: PAGE_GUARD turns a page into a one-shot alarm. The first access of any
// kind raises STATUS_GUARD_PAGE_VIOLATION (0x80000001) and is not performed; the
// system clears PAGE_GUARD at the same moment, so the next access works normally.
// Thread stacks use this to grow on demand. Watch for: exactly one guard-page
// exception, then success; VirtualQuery shows Protect 0x104 (PAGE_READWRITE |
// PAGE_GUARD) before and 0x4 after, and the two pages, once different, merge back
// into one 8 KB region because their attributes are the same again.
#pragma pagelab frames=8 pagefile=8
#include <windows.h>
#include <stdio.h>

int main() {
    // Two pages: an ordinary one, then a guard page above it.
    char *p = VirtualAlloc(NULL, 2 * 4096, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    DWORD old;
    VirtualProtect(p + 4096, 4096, PAGE_READWRITE | PAGE_GUARD, &old);

    MEMORY_BASIC_INFORMATION mbi;
    VirtualQuery(p + 4096, &mbi, sizeof(mbi));
    printf("armed:  Protect 0x%lx\n", mbi.Protect);
    VirtualQuery(p, &mbi, sizeof(mbi));
    printf("the region at p: RegionSize 0x%llx\n", mbi.RegionSize);

    p[0] = 'a';        // the ordinary page: no alarm
    //? The first touch of the guard page: what does it raise? => exception
    p[4096] = 'G';     // the alarm: STATUS_GUARD_PAGE_VIOLATION, the write is not done
    printf("after the alarm the guard page still reads %d\n", p[4096]);
    //? And the retry: what does it raise? => exception
    p[4096] = 'G';     // the guard is gone: this write works
    printf("after the retry it reads %c\n", p[4096]);

    VirtualQuery(p + 4096, &mbi, sizeof(mbi));
    printf("fired:  Protect 0x%lx\n", mbi.Protect);
    VirtualQuery(p, &mbi, sizeof(mbi));
    printf("the region at p: RegionSize 0x%llx\n", mbi.RegionSize);
    return 0;
}
// Takeaway: a guard page raises STATUS_GUARD_PAGE_VIOLATION once, then becomes an ordinary
// page: a one-shot alarm, as the stack uses to grow.
