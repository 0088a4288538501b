// The tutorial's Example 2: the memmove "1337" program, run here exactly as published.
// The tutorial has no reserve-then-commit example; that lesson is this course's own. VirtualAlloc rounds 8 bytes up to a whole 4 KB page and commits it,
// but no RAM is used until memmove first touches the page (a demand-zero fault).
//
// Two slips in the tutorial's text: its printed output shows the address 61fe18, which an
// 8-byte commit cannot return: a new allocation starts on a 64 KB boundary, so its address
// ends in four hex zeros (61fe18 looks like a stack address). And the text says memmove
// copies 5 bytes, but the call passes 4: the four characters of "1337", without the NUL
// (the zeros of the fresh page end the string for printf). %x prints only the low 32 bits
// of the 64-bit address.
#pragma pagelab frames=8 pagefile=8 working_set=4
//? VirtualAlloc asks for 8 bytes. What is the commit charge after the call, in pages? => commit
#include <stdio.h>
#include <memoryapi.h>

int main(){
    int *pointer_to_memory = VirtualAlloc(NULL, 8, MEM_COMMIT, PAGE_READWRITE); // commit 8 bytes of virtual memory with read write permissions.
    printf("The base address of allocated memory is: %x", pointer_to_memory); // print the pointer to the start of the region.
    //? How many page faults does memmove take? => faults
    memmove(pointer_to_memory, (const void*)"1337", 4); // move "1337" string into the allocated memory.
    printf("The data which is stored in the memory is %s", pointer_to_memory); // print the data from the memory.
    VirtualFree(pointer_to_memory, 8, MEM_DECOMMIT); // decommit the memory region.
    return 0;
}
// Takeaway: VirtualAlloc hands out whole pages at 64 KB-aligned addresses, and RAM arrives
// only when the program first touches the page.
