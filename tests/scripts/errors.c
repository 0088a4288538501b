// Mistakes a beginner makes; every one is reported with its line and column.
#include <stdio.h>
#pragma pagelab frames=0 polcy=fifo

int main() {
    int *pointer = VirtuaAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
    VirtualFree(pointer, 0);
    printf("%s\n", pointr);
    DWORD x = 99999999999999999999999;
    VirtualProtect(pointer, 4096, PAGE_READWRIT, &old);
    printf("%d %d\n", x);
    int y = 5
    mbi.State;
    goto done;
    printf("unterminated);
    /* never closed
