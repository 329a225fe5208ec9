/*
Gaitkeeper reads FIT files from running watches and foot pods, keeps each
athlete's runs in a Parquet store, and lines their training load and gait
(cadence, ground-contact balance, drift, spikes) up with a symptom diary,
flagging overuse, form and nerve-irritation risk with its evidence. It
flags risk; it never diagnoses.

Usage:

	gaitkeeper inspect [--format text|json] [--samples csv] [--strict] FILE...
	gaitkeeper analyze [--format text|json] [--strict] FILE...
	gaitkeeper ingest --athlete NAME [--store DIR] [--workers N] [--format text|json] [--quiet] PATH...
	gaitkeeper report --athlete NAME [--store DIR] [--symptoms FILE] [--as-of DATE] [--format text|json|html|md] [-o FILE] [PATH...]
	gaitkeeper report --all [--store DIR] [--format text|json|html|md] -o FOLDER
	gaitkeeper check [--athlete NAME] [--store DIR] [--symptoms FILE] [--format text|json] FILE.fit
	gaitkeeper history --athlete NAME [--store DIR] [--format text|json|csv] [--by run|week]
	gaitkeeper log --athlete NAME [--store DIR] [--date WHEN] [--side SIDE] --location WHERE
		--sensation WHAT[,WHAT] --severity 0-10 [--timing WHEN[,WHEN]] [--duration D] [--shoes TEXT] [--notes TEXT]

EXIT STATUS

	0  every file was read (warnings allowed); check: nothing flagged
	1  at least one file could not be read
	2  usage error
	3  check: risk flags raised
	4  check: a red flag, or a flag that says to see a clinician
*/
package main
