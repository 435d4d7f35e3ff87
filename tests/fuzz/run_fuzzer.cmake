# ctest "fuzz: <name>": runs one libFuzzer binary for a bounded time, keeps its whole log in the
# build tree and prints a summary (executions, seconds, new inputs); on failure, the log itself.
#   cmake -D NAME=<name> -D LOG=<file> -P run_fuzzer.cmake -- <fuzzer> <libFuzzer arguments...>
set(command "")
set(after_separator FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE ${last})
  if(after_separator)
    list(APPEND command "${CMAKE_ARGV${i}}")
  elseif(CMAKE_ARGV${i} STREQUAL "--")
    set(after_separator TRUE)
  endif()
endforeach()

execute_process(COMMAND ${command} RESULT_VARIABLE result OUTPUT_VARIABLE log ERROR_VARIABLE log)
file(WRITE "${LOG}" "${log}")

set(stats "")
foreach(stat number_of_executed_units average_exec_per_sec new_units_added peak_rss_mb)
  string(REGEX MATCH "stat::${stat}: *([0-9]+)" found "${log}")
  set(${stat} "${CMAKE_MATCH_1}")
endforeach()
string(REGEX MATCH "Done [0-9]+ runs in ([0-9]+) second" found "${log}")
set(seconds "${CMAKE_MATCH_1}")
message("fuzz_${NAME}: ${number_of_executed_units} execs in ${seconds} s (${average_exec_per_sec}/s), "
        "${new_units_added} new inputs, peak RSS ${peak_rss_mb} MB; log: ${LOG}")
if(NOT result EQUAL 0)
  message("${log}")
  message(FATAL_ERROR "fuzz_${NAME} failed (${result}); the crashing input is in the artifacts directory named above")
endif()
