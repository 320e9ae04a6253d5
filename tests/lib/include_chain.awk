# include_chain.awk - who included what, and on which line, from `cc -E` output.
#
# Reads the line markers of preprocessed C (# LINE "FILE" FLAGS; flag 1: FILE is entered
# from the current file) and prints, for each file entered, INCLUDER<TAB>LINE<TAB>FILE.
# LINE is the includer's line the compiler was on, so it is right after backslash-continued
# lines (for a continued #include, it is the directive's last line).
/^# [0-9]+ "/ {
	n = $2 + 0
	rest = $0
	sub(/^# [0-9]+ "/, "", rest)
	f = rest
	sub(/" *[0-9 ]*$/, "", f)
	flags = rest
	sub(/^.*"/, "", flags)
	if (flags ~ /(^| )1( |$)/ && cur != "")
		print cur "\t" line "\t" f
	cur = f
	line = n
	next
}
{ line++ }
