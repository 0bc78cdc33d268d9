# The registered tag models, in registry order, from src/models/model_list.h
# (one NB_MODEL(name) line each; the one declaration): a test whose
# expectations are derived by hand per model runs as one ctest per model.
function(nb_registered_models out)
  set(list_h ${PROJECT_SOURCE_DIR}/src/models/model_list.h)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${list_h})
  # blanks as the C preprocessor allows them (registry/test_registry holds
  # this list against the library's registry)
  file(STRINGS ${list_h} lines REGEX "^[ \t]*NB_MODEL[ \t]*\\([ \t]*[A-Za-z0-9_]+[ \t]*\\)")
  set(models)
  foreach(l IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*NB_MODEL[ \t]*\\([ \t]*([A-Za-z0-9_]+)[ \t]*\\).*" "\\1" m "${l}")
    list(APPEND models ${m})
  endforeach()
  if(NOT models)
    message(FATAL_ERROR "${list_h}: no NB_MODEL(name) line")
  endif()
  set(${out} ${models} PARENT_SCOPE)
endfunction()

# NAME/<model> for every registered model: PROGRAM <model>. A model the
# program has no hand-derived row for exits 77, which ctest reports as a
# skip (SKIP_RETURN_CODE), not as a pass or a failure. Extra arguments are
# test properties (LABELS ..., TIMEOUT ...).
function(nb_add_per_model_test name program)
  nb_registered_models(models)
  foreach(m IN LISTS models)
    add_test(NAME ${name}/${m} COMMAND ${program} ${m})
    set_tests_properties(${name}/${m} PROPERTIES SKIP_RETURN_CODE 77 ${ARGN})
  endforeach()
endfunction()
