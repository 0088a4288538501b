// Reserve a region, commit one page of it, and look at it with VirtualQuery,
// in the style of a typical Windows memory tutorial.
#include <windows.h>
#include <stdio.h>

int main(void)
{
    SIZE_T size = 64 * 1024;
    LPVOID base = VirtualAlloc(NULL, size, MEM_RESERVE, PAGE_NOACCESS);
    printf("Reserved %llu bytes at %p\n", size, base);

    MEMORY_BASIC_INFORMATION mbi;
    VirtualQuery(base, &mbi, sizeof(mbi));
    printf("State 0x%lx Protect 0x%lx AllocationProtect 0x%lx RegionSize 0x%llx\n",
           mbi.State, mbi.Protect, mbi.AllocationProtect, mbi.RegionSize);

    /* Commit the first page only. */
    char *page = (char *)VirtualAlloc(base, 4096, MEM_COMMIT, PAGE_READWRITE);
    printf("Committed one page at %p\n", page);

    VirtualQuery(base, &mbi, sizeof(MEMORY_BASIC_INFORMATION));
    printf("BaseAddress %p AllocationBase %p RegionSize 0x%llx State 0x%lx Protect 0x%lx Type 0x%lx\n",
           mbi.BaseAddress, mbi.AllocationBase, mbi.RegionSize, mbi.State, mbi.Protect, mbi.Type);
    VirtualQuery((char *)base + 4096, &mbi, sizeof(mbi));
    printf("BaseAddress %p RegionSize 0x%llx State 0x%lx Protect 0x%lx\n",
           mbi.BaseAddress, mbi.RegionSize, mbi.State, mbi.Protect);

    page[0] = 'H';
    page[1] = 'i';
    page[2] = '!';
    printf("%s\n", page);

    // The second page is only reserved: touching it is an access violation.
    page[4096] = 'X';
    printf("still running; GetLastError() = %lu\n", GetLastError());

    // Committing more than the page file and RAM can back fails.
    LPVOID huge = VirtualAlloc(NULL, 1024 * 1024 * 1024, MEM_COMMIT, PAGE_READWRITE);
    printf("huge = %p, error %lu\n", huge, GetLastError());

    VirtualFree(base, 0, MEM_RELEASE);
    BOOL again = VirtualFree(base, 0, MEM_RELEASE);
    printf("releasing twice: %d, error %lu\n", again, GetLastError());
    return 0;
}
