// Shared memory between two processes by name, after Microsoft's "Creating Named
// Shared Memory": the first process creates a page-file-backed section named
// "Local\MyFileMappingObject", maps a view and copies a message into it; the second
// opens the section by name, maps its own view and reads the message from the same
// frame (docs/windows-sections.md §2, §3, §4, §8.2).
#pragma pagelab frames=8 working_set=4 tlb=4
#define BUF_SIZE 256
HANDLE hMapFile = CreateFileMapping(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, BUF_SIZE, TEXT("Local\\MyFileMappingObject"));
if (hMapFile == NULL) {
    printf("Could not create file mapping object (%d).\n", GetLastError());
    return 1;
}
char *pBuf = (char *) MapViewOfFile(hMapFile, FILE_MAP_ALL_ACCESS, 0, 0, BUF_SIZE);
CopyMemory(pBuf, "Message from first process.", 28);
_getch();
UnmapViewOfFile(pBuf);
CloseHandle(hMapFile);

#pragma pagelab process second
#define BUF_SIZE 256
HANDLE hMapFile = OpenFileMapping(FILE_MAP_ALL_ACCESS, FALSE, TEXT("Local\\MyFileMappingObject"));
if (hMapFile == NULL) {
    printf("Could not open file mapping object (%d).\n", GetLastError());
    return 1;
}
char *pBuf = (char *) MapViewOfFile(hMapFile, FILE_MAP_ALL_ACCESS, 0, 0, BUF_SIZE);
MessageBox(NULL, pBuf, TEXT("Process2"), MB_OK);
UnmapViewOfFile(pBuf);
CloseHandle(hMapFile);
