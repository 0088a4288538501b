// Every page of the address space is in one of three states: free, reserved or
// committed. Watch for: VirtualQuery reporting State 0x10000 (MEM_FREE), 0x2000
// (MEM_RESERVE) and 0x1000 (MEM_COMMIT) for the same address as it moves through
// its life; a reserved page has Protect 0, a free page reports PAGE_NOACCESS (1),
// and the commit charge moves only when pages become or stop being committed.
#pragma pagelab frames=8 pagefile=16 working_set=4
#include <windows.h>
#include <stdio.h>

MEMORY_BASIC_INFORMATION mbi;
char *where = (char *)0x23456700000;

// 1. Free: nothing owns these addresses yet.
VirtualQuery(where, &mbi, sizeof(mbi));
printf("free:      State 0x%lx Protect 0x%lx AllocationBase %p Type 0x%lx\n",
       mbi.State, mbi.Protect, mbi.AllocationBase, mbi.Type);

// 2. Reserved: the addresses belong to us, but nothing backs them.
//? What is the commit charge after reserving 64 KB, in pages? => commit
char *p = VirtualAlloc(where, 64 * 1024, MEM_RESERVE, PAGE_READWRITE);
VirtualQuery(p, &mbi, sizeof(mbi));
printf("reserved:  State 0x%lx Protect 0x%lx AllocationBase %p Type 0x%lx\n",
       mbi.State, mbi.Protect, mbi.AllocationBase, mbi.Type);

// 3. Committed: the memory manager promises RAM or page file for these 2 pages.
VirtualAlloc(p, 2 * 4096, MEM_COMMIT, PAGE_READWRITE);
VirtualQuery(p, &mbi, sizeof(mbi));
printf("committed: State 0x%lx Protect 0x%lx RegionSize 0x%llx Type 0x%lx\n",
       mbi.State, mbi.Protect, mbi.RegionSize, mbi.Type);
//? Which list does the first touch take its frame from? => from_list
p[0] = 'A';
printf("committed and touched: p[0] = %c\n", p[0]);

// 4. Decommitted: back to reserved; the data is gone.
VirtualFree(p, 4096, MEM_DECOMMIT);
VirtualQuery(p, &mbi, sizeof(mbi));
printf("decommitted: State 0x%lx Protect 0x%lx RegionSize 0x%llx\n",
       mbi.State, mbi.Protect, mbi.RegionSize);

// 5. Released: the whole allocation is free again.
VirtualFree(p, 0, MEM_RELEASE);
VirtualQuery(p, &mbi, sizeof(mbi));
printf("released:  State 0x%lx Protect 0x%lx AllocationBase %p\n",
       mbi.State, mbi.Protect, mbi.AllocationBase);
// Takeaway: every page is free, reserved or committed, and VirtualQuery tells which; only
// committed pages count against the commit limit.
