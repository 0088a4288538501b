// Data Execution Prevention (DEP): every PTE has a no-execute (NX) bit, so memory that
// holds data cannot be run as code. Watch for: execute() on a PAGE_READWRITE page
// raises STATUS_ACCESS_VIOLATION with information [8, address], where 8 means "an
// instruction fetch" (0 is a read, 1 a write); after VirtualProtect to
// PAGE_EXECUTE_READ the same fetch works, but now a write is refused. This is how a
// JIT compiler works: write the code while the page is writable, then make it
// executable and no longer writable.
#pragma pagelab frames=8 pagefile=8
#include <windows.h>
#include <stdio.h>

int main() {
    unsigned char *code = VirtualAlloc(NULL, 4096, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    // Write a one-byte x86 function: 0xC3 is RET.
    code[0] = 0xC3;

    // Run it while the page is PAGE_READWRITE: DEP stops the fetch.
    //? Running the PAGE_READWRITE page: what happens? => exception
    execute(code);
    printf("executing data: exception above, information [8, address]\n");

    // Make the page executable (and read-only), then run it again.
    DWORD old;
    VirtualProtect(code, 4096, PAGE_EXECUTE_READ, &old);
    printf("old protection 0x%lx, now PAGE_EXECUTE_READ\n", old);
    execute(code);
    printf("executing code: no exception\n");

    // Writing the code page now is an access violation with information [1, address].
    //? The page is now PAGE_EXECUTE_READ. What does writing it raise? => exception
    code[0] = 0x90;
    printf("the code still starts with 0x%x\n", code[0]);
    return 0;
}
// Takeaway: with DEP, only pages marked executable may run as code, and code pages are
// read-only: data cannot be executed, code cannot be overwritten.
