// A persisted memory-mapped file (after Microsoft's "Creating a File Mapping Object" and
// "Closing a File Mapping Object"): a file on the disk, a section backed by that file
// instead of the page file, and a view of it. The first touch of the view reads the page
// from the file: a hard fault that never touches the page file. A write through the view
// changes the page in RAM only. When no view maps it any more, the changed page waits on
// the modified list until the mapped page writer writes it back to its file. The process
// ends, the file keeps the bytes, and a second process reads them with ReadFile.
// Watch for: the disk panel under the page file, and the file's page lit when it is read
// and when it is written.
#pragma pagelab frames=8 working_set=4 tlb=4
#pragma pagelab file notes.txt "hello from the disk"
#include <windows.h>
#include <stdio.h>

// The first process opens the file for reading and writing.
HANDLE hFile = CreateFile(TEXT("notes.txt"), GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
// A section backed by the file: size 0 means the file's size. Nothing is charged to the
// page file, because the file itself holds the pages.
HANDLE hMap = CreateFileMapping(hFile, NULL, PAGE_READWRITE, 0, 0, NULL);
char *pView = (char *) MapViewOfFile(hMap, FILE_MAP_WRITE, 0, 0, 0);
// The first touch of the view finds the section's prototype PTE empty: the page is only
// in the file.
//? What kind of fault does the first read through the view take? => fault
printf("%s\n", pView);
// Writing through the view changes the page in RAM: the file still holds the old bytes.
CopyMemory(pView, "Hello", 5);
// Unmapping drops the page's share count to 0: the changed page goes to the modified
// list, still not written.
UnmapViewOfFile(pView);
// The mapped page writer writes changed pages of mapped files to their file.
//? How many pages does the writer write to the page file? => pagefile_writes
WriteModifiedPages();
CloseHandle(hMap);
CloseHandle(hFile);
// The first process ends here; the file keeps its bytes.

#pragma pagelab process reader
// A second process opens the same file, without any mapping.
char *buf = (char *) VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
HANDLE hFile = CreateFile(TEXT("notes.txt"), GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
//? How many bytes long is the file? => value
DWORD size = GetFileSize(hFile, NULL);
DWORD got;
// ReadFile copies the file's bytes into the buffer: the first process's write is there.
ReadFile(hFile, buf, size, &got, NULL);
printf("%s\n", buf);
CloseHandle(hFile);
// Takeaway: a file-backed section's pages come from their file and go back to it, never
// to the page file; what a view writes outlives the process once it reaches the file.
