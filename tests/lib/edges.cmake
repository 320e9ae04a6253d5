# edges.cmake - the module graph's configure half (CMakeLists.txt includes it; the check
# itself, run as each target is made, is tests/lib/check_edges.cmake).
#
# The graph is checked on what the compiler and the linker actually used, never on the
# text of the sources: every file a compile read (its -MD dependency file: after macros,
# comments, continuations, digraphs, `..`, symlinks, whatever the extension) must belong to
# the file's own module, to a public header of a module it depends on, to the C library or
# the compiler, or to a library family its module declares; and every symbol its objects
# leave undefined must be defined in its own module, public in a module it depends on (named
# in that module's public headers), or in a declared library or the C library.
#
#   dabiao_library(NAME HEADERS glob... [TARGETS imported-target...] [FILES glob...])
#       A library family: its headers (relative to a system include folder), the imported
#       targets that link it (a module names one in LIBS or PRIVATE_LIBS to use it), and,
#       if given, the only source files (relative to the source tree) that may read them.
#       A family whose targets do not exist (yet) still guards its headers: nobody may.
#   dabiao_check_edges(TARGET KIND MODULE)
#       Checks TARGET after it is made (POST_BUILD; a refused target is deleted, so the
#       next build checks it again). KIND module: TARGET's files are MODULE's own; test:
#       MODULE's unit tests (its private headers and functions too); program: a whole
#       program linking MODULE (the public headers and functions of MODULE and of the
#       modules it depends on).
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)   # the check re-runs a refused file's compile with -E
set(DABIAO_EDGES_DIR ${CMAKE_BINARY_DIR}/edges)
set(DABIAO_EDGES_GRAPH ${DABIAO_EDGES_DIR}/module_graph.cmake)
set(DABIAO_EDGES_CHECKER ${CMAKE_SOURCE_DIR}/tests/lib/check_edges.cmake)
file(MAKE_DIRECTORY ${DABIAO_EDGES_DIR})
set_property(GLOBAL PROPERTY DABIAO_GRAPH "")

# The defined symbols of FILES (shared objects with DYNAMIC, else archives or objects), one
# a line between newlines, written to OUT: read once here, searched by every check.
function(_dabiao_symbols out dynamic)
  set(text "\n")
  foreach(f ${ARGN})
    if(dynamic)
      execute_process(COMMAND ${CMAKE_NM} -D --defined-only -P ${f}
        OUTPUT_VARIABLE o RESULT_VARIABLE rc ERROR_QUIET)
    else()
      execute_process(COMMAND ${CMAKE_NM} -g --defined-only -P ${f}
        OUTPUT_VARIABLE o RESULT_VARIABLE rc ERROR_QUIET)
    endif()
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "edges: ${CMAKE_NM} cannot read ${f}")
    endif()
    # "name@@VERSION T addr size" -> "name"; archive member headers "a.a[m.o]:" go too
    string(REGEX REPLACE "[^\n]*:\n" "" o "${o}")
    string(REGEX REPLACE "[@ ][^\n]*" "" o "${o}")
    string(APPEND text "${o}\n")
  endforeach()
  file(WRITE ${out}.new "${text}")
  file(COPY_FILE ${out}.new ${out} ONLY_IF_DIFFERENT)
endfunction()

function(dabiao_library name)
  cmake_parse_arguments(L "" "" "HEADERS;TARGETS;FILES" ${ARGN})
  set(files "")
  foreach(t ${L_TARGETS})
    set_property(GLOBAL PROPERTY "DABIAO_FAMILY_OF_${t}" ${name})
    if(TARGET ${t})
      get_target_property(libs ${t} INTERFACE_LINK_LIBRARIES)
      foreach(l ${libs})
        if(IS_ABSOLUTE "${l}" AND EXISTS "${l}")
          list(APPEND files ${l})
        endif()
      endforeach()
    endif()
  endforeach()
  _dabiao_symbols(${DABIAO_EDGES_DIR}/${name}.syms TRUE ${files})
  set_property(GLOBAL APPEND_STRING PROPERTY DABIAO_GRAPH
    "library(${name} \"${L_HEADERS}\" \"${L_FILES}\")\n")
endfunction()

# The families a module's LIBS and PRIVATE_LIBS name (targets of no family, such as
# Threads::Threads, are the C library's).
function(dabiao_families out)
  set(fams "")
  foreach(t ${ARGN})
    get_property(f GLOBAL PROPERTY "DABIAO_FAMILY_OF_${t}")
    if(f)
      list(APPEND fams ${f})
    endif()
  endforeach()
  list(REMOVE_DUPLICATES fams)
  set(${out} "${fams}" PARENT_SCOPE)
endfunction()

function(dabiao_graph_module name dir headers deps fams)
  # a module depends only on modules declared above it, so the graph has no cycle
  foreach(d ${deps})
    if(NOT TARGET dabiao_${d})
      message(SEND_ERROR "edges: module ${name} names ${d} in DEPS, but no module ${d} is declared above it: a module may depend only on modules declared before it (docs/ARCHITECTURE.md, \"Allowed edges\"), so that the graph has no cycle")
    endif()
  endforeach()
  set_property(GLOBAL APPEND PROPERTY DABIAO_MODULES ${name})
  set_property(GLOBAL PROPERTY "DABIAO_DEPS_${name}" "${deps}")
  set_property(GLOBAL PROPERTY "DABIAO_FAMS_${name}" "${fams}")
  set_property(GLOBAL APPEND_STRING PROPERTY DABIAO_GRAPH
    "module(${name} \"${dir}\" \"${headers}\" \"${deps}\" \"${fams}\" \"$<TARGET_FILE:dabiao_${name}>\")\n")
endfunction()

function(dabiao_check_edges tgt kind mod)
  file(GENERATE OUTPUT ${DABIAO_EDGES_DIR}/${tgt}.cmake CONTENT
"set(TARGET ${tgt})
set(KIND ${kind})
set(MODULE ${mod})
set(OBJECTS \"$<TARGET_OBJECTS:${tgt}>\")
set(OUTPUT \"$<TARGET_FILE:${tgt}>\")
")
  add_custom_command(TARGET ${tgt} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -DINFO=${DABIAO_EDGES_DIR}/${tgt}.cmake
            -DGRAPH=${DABIAO_EDGES_GRAPH} -P ${DABIAO_EDGES_CHECKER}
    VERBATIM)
  # a changed graph or checker makes every target again, so every target is checked again
  set_property(TARGET ${tgt} APPEND PROPERTY LINK_DEPENDS ${DABIAO_EDGES_GRAPH}
    ${DABIAO_EDGES_CHECKER})
endfunction()

# The C library and the compiler: their headers and symbols need no declaration.
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
  OUTPUT_VARIABLE _cc_include OUTPUT_STRIP_TRAILING_WHITESPACE)
get_filename_component(_cc_dir "${_cc_include}/.." REALPATH)
set(_libc_files "")
foreach(f libc.so.6 libm.so.6 libgcc_s.so.1)
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=${f}
    OUTPUT_VARIABLE p OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(IS_ABSOLUTE "${p}" AND EXISTS "${p}")
    list(APPEND _libc_files ${p})
  endif()
endforeach()
_dabiao_symbols(${DABIAO_EDGES_DIR}/libc.syms TRUE ${_libc_files})
set(_libc_static "")
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-libgcc-file-name
  OUTPUT_VARIABLE p OUTPUT_STRIP_TRAILING_WHITESPACE)
list(APPEND _libc_static ${p})
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libc_nonshared.a
  OUTPUT_VARIABLE p OUTPUT_STRIP_TRAILING_WHITESPACE)
list(APPEND _libc_static ${p})
list(FILTER _libc_static INCLUDE REGEX "^/")
_dabiao_symbols(${DABIAO_EDGES_DIR}/libc-static.syms FALSE ${_libc_static})
# The C library's own headers are the files of Debian's libc6-dev and linux-libc-dev (the
# kernel's); without dpkg, any system header no family claims is taken for the C library's.
execute_process(COMMAND dpkg-query -L libc6-dev linux-libc-dev
  OUTPUT_VARIABLE _libc_headers RESULT_VARIABLE _rc ERROR_QUIET)
if(NOT _rc EQUAL 0)
  message(WARNING "edges: no dpkg-query; system headers of no declared library are taken for the C library's")
  set(_libc_headers "")
endif()
file(WRITE ${DABIAO_EDGES_DIR}/libc-headers.txt.new "\n${_libc_headers}\n")
file(COPY_FILE ${DABIAO_EDGES_DIR}/libc-headers.txt.new ${DABIAO_EDGES_DIR}/libc-headers.txt
  ONLY_IF_DIFFERENT)
set(_sysdirs "")
foreach(d ${CMAKE_C_IMPLICIT_INCLUDE_DIRECTORIES})
  get_filename_component(d "${d}" REALPATH)
  list(APPEND _sysdirs "${d}")
endforeach()
get_filename_component(_root "${CMAKE_SOURCE_DIR}" REALPATH)
set_property(GLOBAL APPEND_STRING PROPERTY DABIAO_GRAPH
"set(ROOT \"${_root}\")
set(COMPILER_DIR \"${_cc_dir}\")
set(SYSTEM_DIRS \"${_sysdirs}\")
set(EDGES_DIR \"${DABIAO_EDGES_DIR}\")
set(NM \"${CMAKE_NM}\")
set(COMPILE_COMMANDS \"${CMAKE_BINARY_DIR}/compile_commands.json\")
set(BINARY_DIR \"${CMAKE_BINARY_DIR}\")
set(GENERATOR \"${CMAKE_GENERATOR}\")
set(MAKE_PROGRAM \"${CMAKE_MAKE_PROGRAM}\")
set(CHAIN_AWK \"${CMAKE_SOURCE_DIR}/tests/lib/include_chain.awk\")
")

# The list in global property PROP (CMakeLists.txt's) and DOC (the table's) hold the same
# names, else an error that starts with WHAT.
function(_dabiao_table_agrees what prop doc)
  get_property(have GLOBAL PROPERTY ${prop})
  list(SORT have)
  list(SORT doc)
  if(NOT have STREQUAL doc)
    string(REPLACE ";" ", " have "${have}")
    string(REPLACE ";" ", " doc "${doc}")
    message(SEND_ERROR "edges: ${what} \"${have}\" in CMakeLists.txt but \"${doc}\" in docs/ARCHITECTURE.md's table of allowed edges: change both together")
  endif()
endfunction()

# Called once every module and family is declared. docs/ARCHITECTURE.md's table of allowed
# edges must say what CMakeLists.txt declares: one row per module, its DEPS (direct) column
# equal to the module's DEPS and its families those its LIBS and PRIVATE_LIBS name, so the
# graph the build enforces is the one the page draws.
function(dabiao_write_graph)
  get_property(g GLOBAL PROPERTY DABIAO_GRAPH)
  file(GENERATE OUTPUT ${DABIAO_EDGES_GRAPH} CONTENT "${g}")
  set(doc ${CMAKE_SOURCE_DIR}/docs/ARCHITECTURE.md)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${doc})
  file(READ ${doc} text)
  string(FIND "${text}" "\n## Allowed edges\n" at)
  if(at LESS 0)
    message(SEND_ERROR "edges: docs/ARCHITECTURE.md has no \"## Allowed edges\" section")
    return()
  endif()
  string(SUBSTRING "${text}" ${at} -1 text)
  string(SUBSTRING "${text}" 1 -1 rest)
  string(FIND "${rest}" "\n## " end)
  if(end GREATER -1)
    string(SUBSTRING "${rest}" 0 ${end} text)
  endif()
  string(REPLACE ";" "," text "${text}")
  string(REGEX MATCHALL "\n\\| [a-z]+ \\|[^|\n]*\\|[^|\n]*\\|" rows "${text}")
  get_property(mods GLOBAL PROPERTY DABIAO_MODULES)
  set(seen "")
  foreach(r ${rows})
    string(REGEX MATCH "^\n\\| ([a-z]+) \\|([^|\n]*)\\|([^|\n]*)\\|" r "${r}")
    set(m "${CMAKE_MATCH_1}")
    set(libs "${CMAKE_MATCH_3}")
    string(REPLACE "—" "" want "${CMAKE_MATCH_2}")
    string(REGEX REPLACE "[ ]*,[ ]*" ";" want "${want}")
    string(STRIP "${want}" want)
    if(m STREQUAL "module")
      continue()   # the table's head
    endif()
    list(APPEND seen ${m})
    if(NOT m IN_LIST mods)
      message(SEND_ERROR "edges: docs/ARCHITECTURE.md's table of allowed edges has a row for ${m}, which CMakeLists.txt declares no module of")
      continue()
    endif()
    _dabiao_table_agrees("module ${m}'s DEPS are" DABIAO_DEPS_${m} "${want}")
    # the library families: the names before each "(...)", separated by commas
    string(REGEX REPLACE "\\([^)]*\\)" "" libs "${libs}")
    string(REGEX REPLACE "[ ]*,[ ]*" ";" libs "${libs}")
    string(STRIP "${libs}" libs)
    _dabiao_table_agrees("module ${m} names the library families" DABIAO_FAMS_${m} "${libs}")
  endforeach()
  foreach(m ${mods})
    if(NOT m IN_LIST seen)
      message(SEND_ERROR "edges: module ${m} has no row in docs/ARCHITECTURE.md's table of allowed edges")
    endif()
  endforeach()
endfunction()
