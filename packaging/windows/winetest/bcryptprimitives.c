/*
 * Test-only stand-in for Windows 10's bcryptprimitives.dll, for the Windows
 * lane under Wine (scripts/test-windows.sh). Never packaged: Windows 10 and
 * later ship the real one.
 *
 * Go 1.26 programs take their random numbers from ProcessPrng (the runtime
 * looks it up at start and aborts without it; crypto/rand calls it too).
 * Debian's Wine 8.0 has no bcryptprimitives.dll at all, so this one exports
 * ProcessPrng and fills the buffer from RtlGenRandom (advapi32's
 * SystemFunction036), which Wine implements over the host's random source.
 * That is the only export Go or Fyne look up in this DLL.
 */
#include <windows.h>

/* RtlGenRandom takes a ULONG length; ProcessPrng a SIZE_T. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, n)) {
            /* Windows documents ProcessPrng as never failing: a process
             * without random numbers must not go on. */
            RaiseFailFastException(NULL, NULL, 0);
        }
        data += n;
        length -= n;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst;
    (void)reason;
    (void)reserved;
    return TRUE;
}
