# Every dependency comes from Debian packages (scripts/setup), except libperf,
# which Debian does not package: it is built here from Debian's linux-source.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)
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

# iommufd/VFIO uAPI headers: Debian 12's linux-libc-dev (6.1) predates most of
# iommufd; take the 6.12 ones from the same linux-source package (extracted
# into the build tree, never committed).
# The iommufd selftest's command layout (iommufd_test.h) comes the same way.
set(NB_UAPI_DIR ${CMAKE_BINARY_DIR}/deps/uapi)
if(NOT EXISTS ${NB_UAPI_DIR}/linux/iommufd_test.h)
  file(MAKE_DIRECTORY ${NB_UAPI_DIR})
  execute_process(COMMAND tar -xJf /usr/src/linux-source-6.12.tar.xz -C ${NB_UAPI_DIR}
                          --strip-components=3
                          linux-source-6.12/include/uapi/linux/iommufd.h
                          linux-source-6.12/include/uapi/linux/vfio.h
                  RESULT_VARIABLE _uapi_rc)
  execute_process(COMMAND tar -xJf /usr/src/linux-source-6.12.tar.xz -C ${NB_UAPI_DIR}/linux
                          --strip-components=4
                          linux-source-6.12/drivers/iommu/iommufd/iommufd_test.h
                  RESULT_VARIABLE _uapi_rc2)
  if(NOT _uapi_rc EQUAL 0 OR NOT _uapi_rc2 EQUAL 0)
    message(FATAL_ERROR "could not extract iommufd.h/vfio.h from linux-source-6.12 (run scripts/setup)")
  endif()
endif()
