# Every dependency comes from Debian packages (scripts/setup), except libperf,
# which Debian does not package: it is built here from Debian's linux-source.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(benchmark REQUIRED)
pkg_check_modules(HWLOC REQUIRED IMPORTED_TARGET hwloc)
pkg_check_modules(URCU REQUIRED IMPORTED_TARGET liburcu-memb)
pkg_check_modules(LIBCONFIG REQUIRED IMPORTED_TARGET libconfig)
find_library(PFM_LIB pfm REQUIRED)
find_path(PFM_INCLUDE perfmon/pfmlib_perf_event.h REQUIRED)

set(NB_LIBPERF_PREFIX ${CMAKE_BINARY_DIR}/deps/libperf)
if(NOT EXISTS ${NB_LIBPERF_PREFIX}/lib64/libperf.a OR
   NOT EXISTS ${NB_LIBPERF_PREFIX}/lib64/libapi.a)
  message(STATUS "Building libperf from linux-source-6.12 into ${NB_LIBPERF_PREFIX}")
  execute_process(COMMAND ${CMAKE_SOURCE_DIR}/scripts/build-libperf ${NB_LIBPERF_PREFIX}
                  RESULT_VARIABLE _lp_rc)
  if(NOT _lp_rc EQUAL 0)
    message(FATAL_ERROR "libperf build failed (scripts/build-libperf)")
  endif()
endif()
# libperf.a needs libapi.a (fdarray__*); link it after libperf.
add_library(nb_libapi STATIC IMPORTED)
set_target_properties(nb_libapi PROPERTIES
  IMPORTED_LOCATION ${NB_LIBPERF_PREFIX}/lib64/libapi.a)
add_library(nb_libperf STATIC IMPORTED)
set_target_properties(nb_libperf PROPERTIES
  IMPORTED_LOCATION ${NB_LIBPERF_PREFIX}/lib64/libperf.a
  INTERFACE_INCLUDE_DIRECTORIES ${NB_LIBPERF_PREFIX}/include
  INTERFACE_LINK_LIBRARIES nb_libapi)
