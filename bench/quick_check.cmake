# The ctest check of the benchmark script (added by tests/bench.cmake), run with cmake -P:
#
#   cmake -DRUN_SH=bench/run.sh -DBINARY=path/to/hyperoru -DOUT=report.md -P bench/quick_check.cmake
#
# Runs bench/run.sh in its reduced mode against an already built binary (no build, no apt-get)
# and checks that it exits 0 and that the report it writes has every section, every row with its
# peak memory and its spread over the rounds, and a verdict on every target. Timings are never
# asserted: this only keeps the script from rotting.
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
# Quick mode: 2 rounds of 3 runs, so 6 runs a row and a spread on every ratio. A "." stands for
# the report's semicolons, which would split this list.
set(number "[0-9.]+")
set(time "${number} m?s")
set(spread "${number}× \\(${number}–${number}\\)")
# Median | medians of the rounds | min … max | runs | peak RSS (a pipeline: the sum, then each stage)
set(timing " \\| ${time} \\| ${time} – ${time} \\| ${time} … ${time} \\| 6 \\| ${number} MB( \\(${number}( \\+ ${number})+\\))? \\|")
set(verdict "\\| \\*\\*(met|missed)\\*\\* \\|\n")
set(expected_rows
  "^# Benchmarks"
  "\n(Produced on an otherwise idle machine: the 1-minute load average was ${number} when the run started \\(at most 0\\.5\\)\\.|> \\*\\*Not an idle machine\\.\\*\\* The 1-minute load average was ${number} when the run started \\(above 0\\.5\\)[^\n]+ not for committing\\.)\n"
  "\n## Machine\n"
  "\n\\| CPU \\| [^\n]+, [0-9]+ cores \\|\n"
  "\n\\| Load \\(1-minute average\\) \\| ${number} at the start, ${number} at the end \\|\n"
  "\n\\| Reference \\| simdjson [0-9]+\\.[0-9]+\\.[0-9]+, [a-z0-9_]+ implementation [^\n]+\\|\n"
  "\n## Targets\n"
  "\n\\| 1 \\| startup ≤ 1\\.0× `curl --version` \\| ${number}× curl \\(rounds: ${number}–${number}. ${time} vs ${time}\\) ${verdict}"
  "\n\\| 2 \\| one call ≤ 1\\.05× curl \\| ${number}× curl \\(rounds: ${number}–${number}. ${time} vs ${time}\\) ${verdict}"
  "\n\\| 3 \\| `--all`, 10 pages ≤ 1\\.5× curl's single invocation \\| ${number}× curl \\(rounds: [^\n]+\\) ${verdict}"
  "\n\\| 4 \\| JSON output ≤ 1\\.3× `curl \\\\\\| simdjson-print` \\| ${number}× the reference \\(rounds: [^\n]+\\) ${verdict}"
  "\n\\| 4 \\| NDJSON output ≤ 1\\.3× `curl \\\\\\| simdjson-print` \\| ${number}× the reference \\(rounds: [^\n]+\\) ${verdict}"
  "\n\\| 4 \\| table output ≤ 1\\.5× JSON output \\| ${number}× JSON \\(rounds: [^\n]+\\) ${verdict}"
  "\n\\| 4 \\| peak memory ≤ 1\\.5× the body size \\(JSON\\) \\| ${number}× \\(${number} MB for a ${number} MB body. largest of 1 run\\) ${verdict}"
  "\n\\| 4 \\| peak memory ≤ 1\\.5× the body size \\(NDJSON\\) \\| ${number}× \\(${number} MB for a ${number} MB body. largest of 1 run\\) ${verdict}"
  "\n\\| 4 \\| `-o raw` peak memory within 2 MB of curl's \\| [-+]${number} MB \\(${number} MB vs ${number} MB\\) ${verdict}"
  "\n\\| 5 \\| `watch` ≥ 500 000 messages/s to /dev/null \\| [0-9,]+ messages/s \\(rounds: [0-9]+k–[0-9]+k. 2,000 messages, start included\\) ${verdict}"
  "\n\\| 5 \\| `watch` ≥ 2× [^\n]+'s rate, to a pipe \\| (${number}× \\(rounds: ${number}–${number}. [0-9,]+ vs [0-9,]+ messages/s\\) \\| \\*\\*(met|missed)\\*\\*|not measured: wscat [^\n]+ \\| n/a) \\|\n"
  "\n\\| 5 \\| `watch` memory flat: peak over 20,000 messages ≤ over 1,000 \\+ 1 MB \\| [-+]${number} MB \\(${number} MB vs ${number} MB. largest of 1 run\\) ${verdict}"
  "\n\\| 5 \\| `watch` loses no message \\(lines printed = messages sent\\) \\| [0-9,]+ of 1,000 and [0-9,]+ of 20,000 lines ${verdict}"
  "\n\\| 6 \\| stripped binary ≤ 3\\.0 MB \\(3 000 000 bytes\\) \\| [0-9,]+ bytes \\(${number} MB\\) ${verdict}"
  "\n[0-9]+ met, [0-9]+ missed, [0-9]+ not measured\\. "
  "\n\\| hyperoru --version${timing} ${spread} \\|\n"
  "\n\\| curl --version${timing} ${spread} \\|\n"
  "\n\\| hyperoru price BTC${timing} ${spread} \\|\n"
  "\n\\| curl -s, one request${timing} ${spread} \\|\n"
  "\n\\| hyperoru account list --all${timing} ${spread} \\|\n"
  "\n\\| curl, 10 URLs in one invocation${timing} ${spread} \\|\n"
  "\n\\| sh loop of 10 curl processes${timing} ${spread} \\|\n"
  "\n\\| hyperoru account list --all -o ndjson \\(reference\\)${timing} ${spread} \\|\n"
  "\n\\| hyperoru account list --all -o raw \\(reference\\)${timing} ${spread} \\|\n"
  "\n\\| hyperoru account list -o json${timing} ${number}× \\| ${spread} \\|\n"
  "\n\\| hyperoru account list -o ndjson${timing} ${number}× \\| ${spread} \\|\n"
  "\n\\| hyperoru account list -o table${timing} ${number}× \\| ${spread} \\|\n"
  "\n\\| hyperoru account list -o raw${timing} ${number}× \\| ${spread} \\|\n"
  "\n\\| curl -s \\\\\\| simdjson-print \\(reference\\)${timing} ${number}× \\| ${spread} \\|\n"
  "\n\\| curl -s \\\\\\| jq \\.${timing} ${number}× \\| ${spread} \\|\n"
  "\n\\| curl -s \\(fetch alone, floor\\)${timing} ${number}× \\| ${spread} \\|\n"
  "\n\\| cat of the file \\(floor\\)${timing} ${number}× \\| ${spread} \\|\n"
  "\n\\$ curl -s -H 'Authorization: Bearer \\$TOKEN' \\$URL/api/account/list \\| simdjson-print\n"
  "\n\\| hyperoru watch --count 2000 \\| ${time} \\| ${time} – ${time} \\| [0-9,]+ \\| ${number} MB \\| 6 \\|\n"
  "\n\\| hyperoru watch --count 2000, to a pipe \\| ${time} \\| ${time} – ${time} \\| [0-9,]+ \\| ${number} MB \\| 6 \\| ${spread} \\|\n"
  "\nWhich side limits: [^\n]+ the server delivers the 2,000 messages in "
  "\n\\| 1,000 \\| ${number} MB \\| [0-9,]+ \\|\n"
  "\n\\| 20,000 \\| ${number} MB \\| [0-9,]+ \\|\n"
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
