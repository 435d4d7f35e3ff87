# The ctest check of the benchmark script (added by tests/bench.cmake), run with cmake -P:
#
#   cmake -DRUN_SH=bench/run.sh -DBINARY=path/to/hyperoru -DOUT=report.md -P bench/quick_check.cmake
#
# Runs bench/run.sh in its reduced mode against an already built binary (no build, no apt-get)
# and checks that it exits 0 and that the report it writes has every section and a verdict on
# every target. Timings are never asserted: this only keeps the script from rotting.
foreach(variable RUN_SH BINARY OUT)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "quick_check.cmake: -D${variable}=... is required")
  endif()
endforeach()

file(REMOVE "${OUT}")
execute_process(
  COMMAND bash "${RUN_SH}" --quick --no-build --no-install --binary "${BINARY}" --out "${OUT}"
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "bench/run.sh --quick failed with exit status ${status}")
endif()
if(NOT EXISTS "${OUT}")
  message(FATAL_ERROR "bench/run.sh --quick exited 0 but wrote no ${OUT}")
endif()
file(READ "${OUT}" report)

# Rows that every report has (the optional clients, HTTPie, websocat and wscat, may be absent).
set(expected_rows
  "^# Benchmarks"
  "\n## Machine\n"
  "\n\\| CPU \\| [^\n]+, [0-9]+ cores \\|\n"
  "\n## Targets\n"
  "\n\\| 1 \\| startup [^\n]+\\| [0-9.]+× curl [^\n]+\\| \\*\\*(met|missed)\\*\\* \\|\n"
  "\n\\| 2 \\| one call [^\n]+ curl \\| [0-9.]+× curl [^\n]+\\| \\*\\*(met|missed)\\*\\* \\|\n"
  "\n\\| 2 \\| one call [^\n]+ HTTPie \\| [^\n]+\\| (\\*\\*met\\*\\*|\\*\\*missed\\*\\*|n/a) \\|\n"
  "\n\\| 3 \\| 10 pages [^\n]+ single invocation \\|[^\n]+\\| \\*\\*(met|missed)\\*\\* \\|\n"
  "\n\\| 3 \\| 10 pages faster than a loop [^\n]+\\| \\*\\*(met|missed)\\*\\* \\|\n"
  "\n\\| 4 \\| JSON output [^\n]+\\| \\*\\*(met|missed)\\*\\* \\|\n"
  "\n\\| 4 \\| NDJSON output [^\n]+\\| \\*\\*(met|missed)\\*\\* \\|\n"
  "\n\\| 4 \\| peak memory [^\n]+\\(JSON\\) \\|[^\n]+\\| \\*\\*(met|missed)\\*\\* \\|\n"
  "\n\\| 4 \\| peak memory [^\n]+\\(NDJSON\\) \\|[^\n]+\\| \\*\\*(met|missed)\\*\\* \\|\n"
  "\n\\| 4 \\| peak memory [^\n]+\\(table\\) \\|[^\n]+\\| \\*\\*(met|missed)\\*\\* \\|\n"
  "\n\\| 4 \\| table output within [^\n]+\\| \\*\\*(met|missed)\\*\\* \\|\n"
  "\n\\| 6 \\| stripped binary [^\n]+ bytes [^\n]+\\| \\*\\*(met|missed)\\*\\* \\|\n"
  "\n\\| hyperoru --version \\| [0-9.]+ m?s \\|"
  "\n\\| curl --version \\| [0-9.]+ m?s \\|"
  "\n\\| hyperoru price BTC \\| [0-9.]+ m?s \\|"
  "\n\\| curl -s, one request \\| [0-9.]+ m?s \\|"
  "\n\\| hyperoru account list --all \\| [0-9.]+ m?s \\|"
  "\n\\| curl, 10 URLs in one invocation \\| [0-9.]+ m?s \\|"
  "\n\\| sh loop of 10 curl processes \\| [0-9.]+ m?s \\|"
  "\n\\| hyperoru account list -o json \\| [0-9.]+ m?s \\|"
  "\n\\| hyperoru account list -o ndjson \\| [0-9.]+ m?s \\|"
  "\n\\| hyperoru account list -o table \\| [0-9.]+ m?s \\|"
  "\n\\| jq \\. \\(the same file\\) \\| [0-9.]+ m?s \\|"
  "\n\\| hyperoru account list -o json \\| [0-9.]+ MB \\| [0-9.]+× \\|\n"
  "\n\\| hyperoru watch --count 2000 \\| [0-9.]+ m?s \\| [0-9,]+ \\| [0-9.]+ MB \\|"
  "\nWhich side limits: [^\n]+ the server delivers the 2,000 messages in "
  "\n\\| stripped copy \\(`strip`\\) \\| [0-9,]+ \\|\n")
set(missing "")
foreach(row IN LISTS expected_rows)
  if(NOT report MATCHES "${row}")
    string(REPLACE "\n" "\\n" shown "${row}")
    string(APPEND missing "\n  ${shown}")
  endif()
endforeach()
if(missing)
  message(FATAL_ERROR "${OUT} lacks rows matching:${missing}\n--- report ---\n${report}")
endif()
message(STATUS "bench/run.sh --quick: report complete (${OUT})")
