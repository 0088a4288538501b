// A DLL shared by every process: kernel32.dll is mapped in each process at the same
// address. Its code is never written, so one copy in RAM serves them all: the image
// section describes each page once, in a prototype PTE, as a shared-memory section does.
// Its data page is PAGE_WRITECOPY: shared until a process writes it. That write is a
// copy-on-write fault: the writer gets a private copy, and the others keep the original.
// Watch for: the kernel32.dll section under RAM, its code frame "shared ×2", and the
// writer's new private frame while main still reads "kernel32 data".
#pragma pagelab frames=8 working_set=4 tlb=4
#include <windows.h>
#include <stdio.h>

// main: the module handle of kernel32.dll is its base address.
char *k32 = (char *) GetModuleHandle(TEXT("kernel32.dll"));
printf("main: kernel32.dll at %p\n", k32);
// Page 1 of the image is code (PAGE_EXECUTE_READ): its first use anywhere reads it from the file.
execute(k32 + 0x1000);
// Page 3 is the DLL's data (PAGE_WRITECOPY), shared while nobody writes it.
printf("main reads \"%s\"\n", k32 + 0x3000);
_getch();
// writer changed its data page; main's PTE still maps the section's frame.
//? Which frame does main read its data page from now? => frame
char c = k32[0x3000];
printf("main still reads \"%s\"\n", k32 + 0x3000);

#pragma pagelab process writer
// writer: the same base, the same image section.
char *k32 = (char *) GetModuleHandle(TEXT("kernel32.dll"));
//? writer runs the same code: which frame holds it? => frame
execute(k32 + 0x1000);
printf("writer reads \"%s\"\n", k32 + 0x3000);
//? What fault does writer's first write to the data page raise? => fault
k32[0x3000] = 'K';
printf("writer reads \"%s\"\n", k32 + 0x3000);
_getch();
// Takeaway: a DLL's code pages are shared by every process through its image section's
// prototype PTEs; its data pages are copy-on-write, so a write gives the writer a private
// copy and no other process sees it.
