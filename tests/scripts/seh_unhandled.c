// A script with __try blocks runs as Windows would: an exception that no filter takes
// ends the process, and the statements after it never run.
#include <windows.h>
#include <stdio.h>

int main(void)
{
    char *p = VirtualAlloc(NULL, 4096, MEM_RESERVE, PAGE_READWRITE);
    __try
    {
        p[0] = 1;
    }
    __except (GetExceptionCode() == EXCEPTION_GUARD_PAGE ? EXCEPTION_EXECUTE_HANDLER : EXCEPTION_CONTINUE_SEARCH)
    {
        puts("not this handler");
    }
    puts("never printed");
    return 0;
}
