// Shared memory between two processes, by name (after Microsoft's "Creating Named Shared
// Memory"): the first process creates a section backed by the page file and names it;
// the second opens the section by that name. Such a section is a non-persisted
// memory-mapped file: no file on the disk holds it, and it goes with its last handle
// and view. Each maps a view into its own address
// space, and both views are backed by the same frame: a section describes each of its
// pages once, in a prototype PTE, and every process PTE that maps the page leads to it.
// The frame's share count says how many PTEs map it. Watch for: the section's
// prototype PTE under RAM, the frame labelled with the section's page and "shared ×2",
// and a line from that frame to the page in each process's address space.
#pragma pagelab frames=8 working_set=4 tlb=4
#include <windows.h>
#include <stdio.h>
#define BUF_SIZE 256

// The first process: a 256-byte section in the page file, named so that another
// process can find it.
HANDLE hMapFile = CreateFileMapping(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, BUF_SIZE, TEXT("Local\\MyFileMappingObject"));
// A view of the section in this process's address space: a region of type MEM_MAPPED.
char *pBuf = (char *) MapViewOfFile(hMapFile, FILE_MAP_ALL_ACCESS, 0, 0, BUF_SIZE);
//? Which frame does the first write through the view put the section's page in? => frame
CopyMemory(pBuf, "Message from first process.", 28);
// The first process waits: the second one runs.
_getch();
UnmapViewOfFile(pBuf);
CloseHandle(hMapFile);

#pragma pagelab process second
#define BUF_SIZE 256
// The second process: the same section, found by its name.
HANDLE hMapFile = OpenFileMapping(FILE_MAP_ALL_ACCESS, FALSE, TEXT("Local\\MyFileMappingObject"));
// Its own view, at an address of its own choosing.
char *pBuf = (char *) MapViewOfFile(hMapFile, FILE_MAP_ALL_ACCESS, 0, 0, BUF_SIZE);
// Reading the message through this view reaches the frame the first process wrote.
//? Which frame does the second process read the message from? => frame
MessageBox(NULL, pBuf, TEXT("Process2"), MB_OK);
UnmapViewOfFile(pBuf);
CloseHandle(hMapFile);
// Takeaway: processes share memory by mapping views of one section; the section's
// prototype PTE leads each process's PTE to the same frame, whose share count counts them.
