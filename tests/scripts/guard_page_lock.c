// A guard page and VirtualLock, in the style of the Win32 "Creating Guard Pages" sample:
// the first lock touches the guard page and fails with STATUS_GUARD_PAGE_VIOLATION,
// which clears the guard; the second lock succeeds.
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

int main()
{
    LPVOID lpvAddr;
    DWORD dwPageSize;
    BOOL bLocked;
    SYSTEM_INFO sSysInfo;

    GetSystemInfo(&sSysInfo);
    dwPageSize = sSysInfo.dwPageSize;

    lpvAddr = VirtualAlloc(NULL, dwPageSize, MEM_RESERVE | MEM_COMMIT,
                           PAGE_READONLY | PAGE_GUARD);
    if (lpvAddr == NULL)
    {
        printf("VirtualAlloc failed. Error: %ld\n", GetLastError());
        return 1;
    }
    else
    {
        _tprintf(TEXT("Committed %lu bytes at address 0x%lp\n"), dwPageSize, lpvAddr);
    }

    bLocked = VirtualLock(lpvAddr, dwPageSize);
    if (!bLocked)
    {
        _tprintf(TEXT("Cannot lock at %lp, error = 0x%lx\n"), lpvAddr, GetLastError());
    }
    else
    {
        _tprintf(TEXT("Lock Achieved at %lp\n"), lpvAddr);
    }

    bLocked = VirtualLock(lpvAddr, dwPageSize);
    if (!bLocked)
    {
        _tprintf(TEXT("Cannot get 2nd lock at %lp, error = %lx\n"), lpvAddr, GetLastError());
    }
    else
    {
        _tprintf(TEXT("2nd Lock Achieved at %lp\n"), lpvAddr);
    }
    return 0;
}
