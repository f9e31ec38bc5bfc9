# Run by the ainode_revision target on every build (cmake -P): writes the
# checkout's commit into OUTPUT from INPUT. configure_file rewrites OUTPUT
# only when the text changed, so a new commit recompiles one file and
# relinks, and an unchanged one rebuilds nothing. At configure time only,
# the revision went stale with every commit after it (ainode_build_info,
# --version and the User-Agent named an older commit than the binary's).
execute_process(COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE AINODE_REVISION
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT AINODE_REVISION)
  set(AINODE_REVISION "unknown")  # a source tree without git (a release tarball)
endif()
configure_file(${INPUT} ${OUTPUT} @ONLY)
