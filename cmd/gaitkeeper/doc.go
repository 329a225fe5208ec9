/*
Gaitkeeper reads FIT files from running watches and foot pods and reports
cadence, ground-contact balance and the other running-dynamics channels.

Usage:

	gaitkeeper inspect [--format text|json] [--samples csv] [--strict] FILE...

EXIT STATUS

	0  every file was read (warnings allowed)
	1  at least one file could not be read
	2  usage error
*/
package main
