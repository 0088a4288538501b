// VirtualProtect, guard pages and access violations: each faulting statement is
// skipped, as if it ran inside __try/__except, and the script goes on.
#include <windows.h>
#include <stdio.h>

int main() {
    char *p = VirtualAlloc(NULL, 2 * 4096, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    p[0] = 'A';
    DWORD old;
    BOOL ok = VirtualProtect(p, 4096, PAGE_READONLY, &old);
    printf("VirtualProtect -> %d, old protection 0x%lx\n", ok, old);
    p[0] = 'B';
    printf("p[0] is still %c\n", p[0]);

    // A NULL lpflOldProtect fails with ERROR_NOACCESS.
    ok = VirtualProtect(p, 4096, PAGE_READWRITE, NULL);
    printf("with NULL: %d, error %lu\n", ok, GetLastError());

    // A guard page: the first touch raises STATUS_GUARD_PAGE_VIOLATION, once.
    VirtualProtect(p + 4096, 4096, PAGE_READWRITE | PAGE_GUARD, &old);
    MEMORY_BASIC_INFORMATION mbi;
    VirtualQuery(p + 4096, &mbi, sizeof(mbi));
    printf("guard armed: Protect 0x%lx\n", mbi.Protect);
    p[4096] = 'G';
    p[4096] = 'G';
    VirtualQuery(p + 4096, &mbi, sizeof(mbi));
    printf("guard fired: Protect 0x%lx, p[4096] = %c\n", mbi.Protect, p[4096]);

    // Data Execution Prevention: executing a read-write page.
    execute(p + 4096);

    VirtualFree(p, 0, MEM_RELEASE);
    printf("after release: %c\n", p[0]);
    printf("done\n");
}
