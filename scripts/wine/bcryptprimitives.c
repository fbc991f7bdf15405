/*
 * A stand-in for Windows' bcryptprimitives.dll, for running Twofold's
 * Windows build under Wine 8 in tests only: Go's runtime (1.21 and
 * later) takes its random bytes from ProcessPrng there, which Wine 8
 * lacks, so every Go program dies at start without it. This one fills
 * the buffer from RtlGenRandom (advapi32's SystemFunction036). Never
 * shipped: Windows has the real one.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	while (length > 0) {
		ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		length -= n;
	}
	return TRUE;
}
