# The host's --genconf → conf file → --print-config round trip, run by ctest:
#   cmake -DHOST=<ratatoskr> -DWORK=<dir> -P GenconfRoundTrip.cmake
# Fails (message(FATAL_ERROR)) on any mismatch.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(conf "${WORK}/gen.conf")

execute_process(COMMAND "${HOST}" --genconf "${conf}" RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "--genconf failed (${rc}): ${err}")
endif()
execute_process(COMMAND stat -c %a "${conf}" OUTPUT_VARIABLE mode OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT mode STREQUAL "600")
  message(FATAL_ERROR "--genconf wrote mode ${mode}, expected 600")
endif()
file(READ "${conf}" generated)
string(REGEX MATCH "\"PrivateKey\": \"([0-9a-f]+)\"" _ "${generated}")
set(key "${CMAKE_MATCH_1}")
string(LENGTH "${key}" keylen)
if(NOT keylen EQUAL 128)
  message(FATAL_ERROR "no 128-digit PrivateKey in the generated conf:\n${generated}")
endif()

# Never replaces an existing file.
execute_process(COMMAND "${HOST}" --genconf "${conf}" RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "not replacing an existing file")
  message(FATAL_ERROR "--genconf overwrote ${conf} (${rc}): ${err}")
endif()

execute_process(COMMAND "${HOST}" --print-config --show-secrets --config "${conf}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE printed ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "--print-config failed (${rc}): ${err}")
endif()
string(JSON printedKey GET "${printed}" PrivateKey)
string(JSON admin GET "${printed}" AdminListen)
string(JSON peers LENGTH "${printed}" Peers)
if(NOT printedKey STREQUAL key OR NOT admin STREQUAL "none" OR NOT peers EQUAL 0)
  message(FATAL_ERROR "round trip lost settings:\n${printed}")
endif()

execute_process(COMMAND "${HOST}" --print-config --config "${conf}" OUTPUT_VARIABLE redacted RESULT_VARIABLE rc)
string(JSON shown GET "${redacted}" PrivateKey)
if(NOT rc EQUAL 0 OR NOT shown STREQUAL "<redacted>")
  message(FATAL_ERROR "--print-config without --show-secrets showed the key (${rc}): ${shown}")
endif()

# A bad conf is refused with its position and exit status 78 (EX_CONFIG).
file(WRITE "${WORK}/bad.conf" "{\n  \"Peer\": []\n}\n")
execute_process(COMMAND "${HOST}" --print-config --config "${WORK}/bad.conf" RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 78 OR NOT err MATCHES "bad.conf:2:3: unknown key \"Peer\" \\(did you mean \"Peers\"\\?\\)")
  message(FATAL_ERROR "bad conf: status ${rc}, stderr: ${err}")
endif()
file(REMOVE_RECURSE "${WORK}")
