#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("dabiao %s\n", DABIAO_VERSION);
		return 0;
	}
	fprintf(stderr, "dabiao: not built yet\n");
	return 64;
}
