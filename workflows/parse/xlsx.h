/*
 * xlsx.h - the first worksheet of a workbook saved as .xlsx (Office Open XML SpreadsheetML,
 * ECMA-376 Part 1 §18; what Excel, WPS and LibreOffice write) read as the records a CSV of
 * it would give, so a county's form or a registry handed in as a workbook goes through the
 * same checks as its CSV (csv.h: csv_open reads a workbook through this).
 *
 * Each record is one row of the sheet, its fields the cells from column A to the widest
 * row's last cell that holds a value (cells that hold none are ""), as the sheet's CSV
 * export has them; rows that hold no value are left out (a CSV's blank lines). A field's
 * line is its row number and its col its column number (A = 1), so FILE:LINE:COLUMN names
 * the cell; messages also say "cell C5".
 * Values are the text a person sees: shared and inline strings, numbers as stored (Excel
 * stores 3, not 3.0), a number under a date format as YYYY-MM-DD (with " HH:MM" when it has
 * a time of day), booleans TRUE/FALSE, a formula's saved value (a formula saved without
 * one, as programs that do not compute formulas write it, is "" marked
 * csv_field.unsaved, which csv_check_text refuses: the county sees a value the file does
 * not hold),
 * a merged range's value in every cell it covers (as the sheet shows it across them). The
 * sheet read is the first one a person sees (hidden sheets are passed over), or the one a
 * struct csv_sheet_choice (csv.h) picks: the one it names, else the only visible one with
 * values, else the one whose name or rows name what it wants (each visible sheet is read
 * to tell; the parts-read bound holds for each, the inflated-XML bound for all); none or
 * several: refused naming the sheets, asking which. The workbook,
 * its shared strings and styles are read at the names every program writing .xlsx gives
 * them (xl/workbook.xml, xl/sharedStrings.xml, xl/styles.xml: Excel, WPS, LibreOffice,
 * openpyxl), not found through _rels/.rels; the sheet through the workbook's relationships
 * (a Target "/xl/..." from the package's root, "../x" as "x", else under xl/), so an archive
 * laid out otherwise, valid OPC though it is, is refused as having no such part.
 *
 * What is read is bounded by the caller's max (the most it reads of a CSV): the parts read
 * (workbook, relationships, shared strings, styles, the sheet) as stored in the file, and
 * the text of the fields; pictures and other parts are never read and do not count (a
 * photo of the stamped form pasted in). A hostile file changes nothing and costs bounded
 * memory: the archive is read through libzip from memory, its XML parts streamed through expat with no DOCTYPE (hence no entity
 * of any kind) accepted; XLSX_XML_MAX bytes of XML at most are inflated in all (a ZIP bomb
 * stops there), XLSX_CELLS_MAX fields and shared strings at most are kept, a cell's text is
 * at most Excel's 32,767 characters, elements nest at most 64 deep, a tag is at most 64 KiB,
 * merged ranges are at most 10,000 covering XLSX_CELLS_MAX cells, the rows times the
 * widest at most 16,000,000 fields; a row number past 1,048,576 or a column past XFD
 * (16,384; Excel's limits) is refused. Messages say what is wrong in the words of whoever
 * sent the file, naming the cell (or row) where the sheet's XML breaks, and what to do.
 */
#ifndef DABIAO_XLSX_H
#define DABIAO_XLSX_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

struct csv_reader;
struct csv_sheet_choice;

#define XLSX_XML_MAX ((size_t)256 << 20)   /* inflated XML bytes read, all parts together */
#define XLSX_CELLS_MAX ((size_t)2000000)   /* fields kept (a county's form: a few thousand) */

/* Whether data starts as a ZIP archive does (a local file header, "PK\3\4"). */
bool xlsx_is_zip(const char *data, size_t len);

/* Reads the workbook data[0..len) (borrowed; only read during the call) named name into c,
 * which csv_open has set up: its rows, width, sheet and sheet's name, handed out by
 * csv_read. max bounds the parts read as stored and the fields' text, in bytes (above).
 * Errors: DB_EDATA naming the file (and the cell, row or part where its XML breaks): not
 * a ZIP archive, no workbook in it, a password-protected or damaged archive, a cap passed,
 * a cell reference out of Excel's range. On failure c holds no rows. */
int xlsx_read(struct csv_reader *c, const char *name, const char *data, size_t len,
              size_t max, const struct csv_sheet_choice *ch, struct dberr *e);

/* Whether the workbook data[0..len) was written whole: a ZIP archive whose every part reads
 * back (its CRC right) and whose every XML part (.xml, .rels) is well-formed to its end.
 * For a workbook dabiao made: libxlsxwriter writes each part to a temporary file first and
 * never checks those writes, so a full TMPDIR or a file size limit gives an archive of cut
 * parts with no error (report/table_out.c). DB_EDATA naming the first part that is not. */
int xlsx_whole(const char *data, size_t len, struct dberr *e);

/* "C" for column 3, "AB" for 28: the column's letters (out holds 4 bytes at least). */
void xlsx_column_name(size_t col, char *out);

#endif
