// Reserve first, commit later (not one of the tutorial's examples: it has none like it):
// reserve a large range first, commit only the page you need, then use it. Watch for: MEM_RESERVE only claims addresses (no commit charge, no
// RAM); MEM_COMMIT inside the reservation charges one page; VirtualQuery shows the
// reservation split into a committed region and a reserved region; the first write
// takes a demand-zero fault; touching the still-reserved part is an access violation.
#pragma pagelab frames=8 pagefile=16 working_set=4
#include <windows.h>
#include <stdio.h>

int main(void)
{
    // Reserve 1 MB of address space: 256 pages, and not one byte of RAM.
    SIZE_T size = 1024 * 1024;
    //? Reserving 1 MB: what is the commit charge afterwards, in pages? => commit
    LPVOID base = VirtualAlloc(NULL, size, MEM_RESERVE, PAGE_NOACCESS);
    printf("Reserved %llu bytes at %p\n", size, base);

    MEMORY_BASIC_INFORMATION mbi;
    VirtualQuery(base, &mbi, sizeof(mbi));
    printf("Before commit: State 0x%lx (MEM_RESERVE) RegionSize 0x%llx Protect 0x%lx\n",
           mbi.State, mbi.RegionSize, mbi.Protect);

    // Commit one page in the middle of the reservation (page 16, at base + 64 KB).
    char *page = (char *)VirtualAlloc((char *)base + 16 * 4096, 4096, MEM_COMMIT, PAGE_READWRITE);
    printf("Committed one page at %p\n", page);

    // Write to it: the first touch is a demand-zero fault.
    //? Which kind of fault does the first write to the committed page take? => fault
    memmove(page, "Hello from a committed page", 28);
    printf("%s\n", page);

    // The reservation is now three regions: reserved, committed, reserved.
    VirtualQuery(base, &mbi, sizeof(mbi));
    printf("Region 1: BaseAddress %p RegionSize 0x%llx State 0x%lx Protect 0x%lx\n",
           mbi.BaseAddress, mbi.RegionSize, mbi.State, mbi.Protect);
    VirtualQuery(page, &mbi, sizeof(mbi));
    printf("Region 2: BaseAddress %p RegionSize 0x%llx State 0x%lx Protect 0x%lx\n",
           mbi.BaseAddress, mbi.RegionSize, mbi.State, mbi.Protect);
    VirtualQuery(page + 4096, &mbi, sizeof(mbi));
    printf("Region 3: BaseAddress %p RegionSize 0x%llx State 0x%lx Protect 0x%lx\n",
           mbi.BaseAddress, mbi.RegionSize, mbi.State, mbi.Protect);
    printf("All three share AllocationBase %p\n", mbi.AllocationBase);

    // The page after it is only reserved: touching it raises an access violation.
    //? The page after it is only reserved. What does writing it raise? => exception
    page[4096] = 'X';
    printf("After the access violation the program goes on.\n");

    VirtualFree(base, 0, MEM_RELEASE);
    return 0;
}
// Takeaway: reserving claims addresses only; committing charges commit, and only touched
// pages take RAM.
