// The tutorial's first VirtualAlloc example, exactly as published (it has no closing
// brace). Watch for: VirtualAlloc rounds 8 bytes up to a whole 4 KB page and commits it,
// but no RAM is used until memmove first touches the page (a demand-zero fault). %x
// prints only the low 32 bits of the 64-bit address.
#pragma pagelab frames=8 pagefile=8 working_set=4
#include <stdio.h>
#include <memoryapi.h>

int main(){
    int *pointer_to_memory = VirtualAlloc(NULL, 8, MEM_COMMIT, PAGE_READWRITE); // commit 8 bytes of virtual memory with read write permissions.
    printf("The base address of allocated memory is: %x", pointer_to_memory); // print the pointer to the start of the region.
    memmove(pointer_to_memory, (const void*)"1337", 4); // move "1337" string into the allocated memory.
    printf("The data which is stored in the memory is %s", pointer_to_memory); // print the data from the memory.
    VirtualFree(pointer_to_memory, 8, MEM_DECOMMIT); // decommit the memory region.
    return 0;
