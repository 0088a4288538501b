// The tutorial's Example 1, run here as published: commit 8 bytes with VirtualAlloc, print
// the address, decommit with VirtualFree. (The tutorial is "Windows API - Exploring Virtual
// Memory and the Virtual Memory Management API", de-engineer.github.io, 2022; its Example 2,
// the memmove "1337" program, is the next lesson.)
//
// Watch what the program never does: it never touches the page, so no frame of RAM is ever
// used. Committing only charges one page against the commit limit; decommitting gives the
// charge back.
#pragma pagelab frames=8 pagefile=8 working_set=4
#include <stdio.h>
#include <memoryapi.h>

int main(){
    // With no address, MEM_COMMIT alone reserves and commits in one call (Windows treats it
    // as MEM_RESERVE | MEM_COMMIT). The 8 bytes become one whole 4 KB page, and the
    // reservation starts on a 64 KB boundary. The tutorial's text says the size is rounded
    // only when the address is NULL and that an address makes Windows ignore the size: both
    // are slips. The size always counts, and always becomes whole pages (every page that
    // holds a byte from lpAddress to lpAddress + dwSize).
    //? How many page faults does the 8-byte commit take? => faults
    int *pointer_to_memory = VirtualAlloc(NULL, 8, MEM_COMMIT, PAGE_READWRITE); // commit 8 bytes of virtual memory with read write permissions.
    // The tutorial's output shows 61fe18, which an allocation cannot return: its low four hex
    // digits would be zeros (64 KB granularity); 61fe18 looks like an address on the stack.
    // %x prints only the low 32 bits of the 64-bit pointer; %p prints all of it.
    printf("The base address of allocated memory is: %x", pointer_to_memory); // print the pointer to the start of the region.
    // MEM_DECOMMIT frees the page's commit charge but keeps the range reserved, as the
    // tutorial says; only MEM_RELEASE (size 0) would free the range, and the process's end
    // frees everything anyway. The tutorial's reason for freeing ("so that it can be used by
    // other processes") holds for the commit charge, which all processes share, not for the
    // addresses, which belong to this process alone.
    //? VirtualFree decommits the 8 bytes. What is the commit charge afterwards, in pages? => commit
    VirtualFree(pointer_to_memory, 8, MEM_DECOMMIT); // decommit the memory region.
    return 0;
}
// Takeaway: VirtualAlloc works in whole pages at 64 KB-aligned addresses; committing charges
// the commit limit but uses no RAM until the page is touched, and decommitting returns the
// charge while the addresses stay reserved.
