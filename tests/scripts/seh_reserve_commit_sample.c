// Reserve a block, then commit it one page at a time from an exception filter while a
// loop writes every byte of it: a full-size program in the style of the Win32 memory
// samples (80 pages, so about a million statements). Each byte the loop writes after a
// page's first one joins that page's step (docs/steps.md).
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

#define PAGELIMIT 80

LPTSTR lpNextToCommit;      // the first page not committed yet
DWORD dwCommitted = 0;      // pages committed so far
DWORD dwBytesPerPage;       // from GetSystemInfo

// The filter: an access violation inside the block commits the next page and retries
// the write; anything else ends the program through the handler.
INT CommitOnFault(DWORD dwCode)
{
    LPVOID lpvPage;

    if (dwCode != EXCEPTION_ACCESS_VIOLATION)
    {
        _tprintf(TEXT("Unexpected exception 0x%x.\n"), dwCode);
        return EXCEPTION_EXECUTE_HANDLER;
    }
    if (dwCommitted >= PAGELIMIT)
    {
        _tprintf(TEXT("The block is used up.\n"));
        return EXCEPTION_EXECUTE_HANDLER;
    }
    lpvPage = VirtualAlloc((LPVOID) lpNextToCommit, dwBytesPerPage, MEM_COMMIT, PAGE_READWRITE);
    if (lpvPage == NULL)
    {
        _tprintf(TEXT("Committing page %d failed with error %d.\n"), dwCommitted, GetLastError());
        return EXCEPTION_EXECUTE_HANDLER;
    }
    dwCommitted++;
    lpNextToCommit = (LPTSTR) ((PCHAR) lpNextToCommit + dwBytesPerPage);
    return EXCEPTION_CONTINUE_EXECUTION;
}

int _tmain(void)
{
    SYSTEM_INFO info;
    LPVOID lpvBlock;
    LPTSTR lpBytes;
    DWORD dwIndex;
    BOOL bFreed;

    GetSystemInfo(&info);
    dwBytesPerPage = info.dwPageSize;
    _tprintf(TEXT("Pages are %d bytes.\n"), dwBytesPerPage);

    lpvBlock = VirtualAlloc(NULL, PAGELIMIT * dwBytesPerPage, MEM_RESERVE, PAGE_NOACCESS);
    if (lpvBlock == NULL)
    {
        _tprintf(TEXT("Reserving %d pages failed.\n"), PAGELIMIT);
        ExitProcess(1);
    }
    _tprintf(TEXT("Reserved %d pages.\n"), PAGELIMIT);
    lpBytes = lpNextToCommit = (LPTSTR) lpvBlock;

    for (dwIndex = 0; dwIndex < PAGELIMIT * dwBytesPerPage; dwIndex++)
    {
        __try
        {
            lpBytes[dwIndex] = 'z';
        }
        __except (CommitOnFault(GetExceptionCode()))
        {
            _tprintf(TEXT("Giving up at byte %d.\n"), dwIndex);
            ExitProcess(GetLastError());
        }
    }
    _tprintf(TEXT("Wrote %d bytes in %d pages committed on demand.\n"), dwIndex, dwCommitted);

    bFreed = VirtualFree(lpvBlock, 0, MEM_RELEASE);
    _tprintf(TEXT("Releasing the block %s.\n"), bFreed ? TEXT("worked") : TEXT("failed"));
    return 0;
}
