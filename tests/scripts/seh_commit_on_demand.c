// Commit on demand: reserve pages, and let an exception filter commit each page the
// first time the loop touches it (in the style of the Win32 memory samples).
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <stdlib.h>

#define PAGELIMIT 4

LPTSTR lpNxtPage;
DWORD dwPages = 0;
DWORD dwPageSize;

INT CommitNextPage(DWORD dwCode)
{
    LPVOID lpvResult;

    if (dwCode != EXCEPTION_ACCESS_VIOLATION)
    {
        _tprintf(TEXT("Exception code = %d.\n"), dwCode);
        return EXCEPTION_EXECUTE_HANDLER;
    }
    _tprintf(TEXT("Exception is a page fault.\n"));
    if (dwPages >= PAGELIMIT)
    {
        _tprintf(TEXT("Exception: out of pages.\n"));
        return EXCEPTION_EXECUTE_HANDLER;
    }
    lpvResult = VirtualAlloc((LPVOID) lpNxtPage, dwPageSize, MEM_COMMIT, PAGE_READWRITE);
    if (lpvResult == NULL)
    {
        _tprintf(TEXT("VirtualAlloc failed.\n"));
        return EXCEPTION_EXECUTE_HANDLER;
    }
    else
    {
        _tprintf(TEXT("Allocating another page.\n"));
    }
    dwPages++;
    lpNxtPage = (LPTSTR) ((PCHAR) lpNxtPage + dwPageSize);
    return EXCEPTION_CONTINUE_EXECUTION;
}

int _tmain(void)
{
    LPVOID lpvBase;
    LPTSTR lpPtr;
    BOOL bSuccess;
    DWORD i;
    SYSTEM_INFO sSysInfo;

    GetSystemInfo(&sSysInfo);
    _tprintf(TEXT("This computer has page size %d.\n"), sSysInfo.dwPageSize);
    dwPageSize = sSysInfo.dwPageSize;

    lpvBase = VirtualAlloc(NULL, PAGELIMIT * dwPageSize, MEM_RESERVE, PAGE_NOACCESS);
    if (lpvBase == NULL)
    {
        _tprintf(TEXT("VirtualAlloc reserve failed.\n"));
        exit(1);
    }
    lpPtr = lpNxtPage = (LPTSTR) lpvBase;

    for (i = 0; i < PAGELIMIT * dwPageSize; i += 1024)
    {
        __try
        {
            lpPtr[i] = 'a';
        }
        __except (CommitNextPage(GetExceptionCode()))
        {
            _tprintf(TEXT("Exiting process.\n"));
            ExitProcess(GetLastError());
        }
    }

    bSuccess = VirtualFree(lpvBase, 0, MEM_RELEASE);
    _tprintf(TEXT("Release %s.\n"), bSuccess ? TEXT("succeeded") : TEXT("failed"));
    return 0;
}
