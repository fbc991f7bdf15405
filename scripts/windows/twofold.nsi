; Twofold's Windows installer (NSIS 3), made by scripts/package.sh:
;   makensis -DVERSION=0.1.0 -DSRC=folder-with-the-zip's-files -DOUT=setup.exe twofold.nsi
; A per-user install (no administrator rights): the programs go to
; %LOCALAPPDATA%\Programs\Twofold, a Start menu entry, the folder on the
; user's PATH (so "twofold" in a console finds twofold.com), and an entry
; in Settings > Apps to uninstall. Uninstalling leaves the vault (in
; %APPDATA%\Twofold) where it is.
Unicode true
Target amd64-unicode
!include MUI2.nsh
!include LogicLib.nsh
!include WinMessages.nsh
!include StrFunc.nsh
${StrStr}
${UnStrRep}

Name "Twofold"
OutFile "${OUT}"
InstallDir "$LOCALAPPDATA\Programs\Twofold"
InstallDirRegKey HKCU "Software\Twofold" "InstallDir"
RequestExecutionLevel user
SetCompressor /SOLID lzma
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "Twofold"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "Twofold installer"
VIAddVersionKey "LegalCopyright" "Apache License 2.0"

!define MUI_ICON "${SRC}\twofold.ico"
!define MUI_UNICON "${SRC}\twofold.ico"
!define MUI_FINISHPAGE_RUN "$INSTDIR\twofold.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Start Twofold"
!insertmacro MUI_PAGE_LICENSE "${SRC}\LICENSE.txt"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "French"

!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Twofold"

Section "Twofold"
	SetOutPath "$INSTDIR"
	File "${SRC}\twofold.exe"
	File "${SRC}\twofold.com"
	File "${SRC}\LICENSE.txt"
	File "${SRC}\twofold.ico"
	WriteUninstaller "$INSTDIR\uninstall.exe"
	CreateShortCut "$SMPROGRAMS\Twofold.lnk" "$INSTDIR\twofold.exe" "" "$INSTDIR\twofold.ico"
	WriteRegStr HKCU "Software\Twofold" "InstallDir" "$INSTDIR"
	WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "Twofold"
	WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
	WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\twofold.ico"
	WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "Twofold developers"
	WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
	WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
	WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
	WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
	WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
	; The folder on the user's PATH, once.
	ReadRegStr $0 HKCU "Environment" "Path"
	${StrStr} $1 ";$0;" ";$INSTDIR;"
	${If} $1 == ""
		${If} $0 == ""
			WriteRegExpandStr HKCU "Environment" "Path" "$INSTDIR"
		${Else}
			WriteRegExpandStr HKCU "Environment" "Path" "$0;$INSTDIR"
		${EndIf}
		SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=2000
	${EndIf}
SectionEnd

Section "Uninstall"
	Delete "$INSTDIR\twofold.exe"
	Delete "$INSTDIR\twofold.com"
	Delete "$INSTDIR\LICENSE.txt"
	Delete "$INSTDIR\twofold.ico"
	Delete "$INSTDIR\uninstall.exe"
	RMDir "$INSTDIR"
	Delete "$SMPROGRAMS\Twofold.lnk"
	DeleteRegKey HKCU "${UNINSTALL_KEY}"
	DeleteRegKey HKCU "Software\Twofold"
	; Starting at log-in, if the user had it on (internal/autostart).
	DeleteRegValue HKCU "Software\Microsoft\Windows\CurrentVersion\Run" "app.twofold.Twofold"
	ReadRegStr $0 HKCU "Environment" "Path"
	${UnStrRep} $1 ";$0;" ";$INSTDIR;" ";"
	${UnStrRep} $1 "$1" ";;" ";"
	StrCpy $2 $1 1
	${If} $2 == ";"
		StrCpy $1 $1 "" 1
	${EndIf}
	StrCpy $2 $1 1 -1
	${If} $2 == ";"
		StrCpy $1 $1 -1
	${EndIf}
	WriteRegExpandStr HKCU "Environment" "Path" "$1"
	SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=2000
SectionEnd
