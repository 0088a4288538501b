// Guard pages, __finally, switch and recursion, in the style of the Win32 samples.
#include <windows.h>
#include <stdio.h>

#define PAGES 3
#define BYTES (PAGES * 4096)

DWORD guards = 0;

int Classify(DWORD code, LPEXCEPTION_POINTERS ep)
{
    switch (code)
    {
    case EXCEPTION_GUARD_PAGE:
        guards++;
        printf("guard page at offset %llu hit; retrying\n",
               ep->ExceptionRecord->ExceptionInformation[1] & 0xFFF);
        return EXCEPTION_CONTINUE_EXECUTION;
    case EXCEPTION_ACCESS_VIOLATION:
        printf("access violation (%s) at %p\n",
               ep->ExceptionRecord->ExceptionInformation[0] ? "write" : "read",
               ep->ExceptionRecord->ExceptionInformation[1]);
        return EXCEPTION_EXECUTE_HANDLER;
    default:
        return EXCEPTION_CONTINUE_SEARCH;
    }
}

int Depth(int n)
{
    if (n == 0)
        return 0;
    return 1 + Depth(n - 1);
}

int main(void)
{
    char *p = VirtualAlloc(NULL, BYTES, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD);
    int i = 0;
    __try
    {
        __try
        {
            while (i < PAGES)
            {
                p[i * 4096] = 'a' + i;
                i++;
            }
            VirtualProtect(p, 4096, PAGE_READONLY, NULL);
            VirtualProtect(p, 4096, PAGE_READONLY, &i);
            p[0] = 'z';
            puts("not reached");
        }
        __finally
        {
            printf("finally: %d guard pages fired\n", guards);
        }
    }
    __except (Classify(GetExceptionCode(), GetExceptionInformation()))
    {
        printf("handled 0x%08X\n", GetExceptionCode());
    }
    do
    {
        putchar(p[i % PAGES * 4096]);
        i--;
    } while (i > 0);
    putchar('\n');
    printf("depth %d\n", Depth(10));
    return 0;
}
