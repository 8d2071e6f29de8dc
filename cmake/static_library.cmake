# libbuddy.a for programs: one relocatable object holding the whole library,
# linked with `cc -r` (which, for gcc's LTO objects, runs the link-time
# optimiser and emits plain code, so any compiler can link the archive), then
# objcopy --localize-hidden, so that only the public API (BUDDY_API) stays
# global: a program may define its own expand, bad_page or buddy.
set(BUDDY_PRELINKED ${CMAKE_CURRENT_BINARY_DIR}/buddy_prelinked.o)
set(BUDDY_PRELINK_FLAGS -r -nostdlib)
get_target_property(BUDDY_OBJECTS_IPO buddy_objects INTERPROCEDURAL_OPTIMIZATION)
if(BUDDY_OBJECTS_IPO)
  # the optimisation level the objects were compiled with, for the LTO step
  string(TOUPPER "${CMAKE_BUILD_TYPE}" BUDDY_BUILD_TYPE_UPPER)
  separate_arguments(BUDDY_LTO_OPT UNIX_COMMAND "${CMAKE_C_FLAGS_${BUDDY_BUILD_TYPE_UPPER}}")
  list(APPEND BUDDY_PRELINK_FLAGS -flto=auto -flinker-output=nolto-rel -fPIC ${BUDDY_LTO_OPT})
endif()
find_program(BUDDY_OBJCOPY NAMES objcopy llvm-objcopy REQUIRED)
add_custom_command(OUTPUT ${BUDDY_PRELINKED}
  COMMAND ${CMAKE_C_COMPILER} ${BUDDY_PRELINK_FLAGS} -o ${BUDDY_PRELINKED}.tmp $<TARGET_OBJECTS:buddy_objects>
  COMMAND ${BUDDY_OBJCOPY} --localize-hidden ${BUDDY_PRELINKED}.tmp ${BUDDY_PRELINKED}
  COMMAND ${CMAKE_COMMAND} -E remove ${BUDDY_PRELINKED}.tmp
  DEPENDS buddy_objects $<TARGET_OBJECTS:buddy_objects>
  COMMAND_EXPAND_LISTS
  COMMENT "Pre-linking libbuddy.a's single object (public symbols only)")
set_source_files_properties(${BUDDY_PRELINKED} PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
add_library(buddy_public_static STATIC ${BUDDY_PRELINKED})
add_library(libbuddy::buddy_static ALIAS buddy_public_static)
# the objects must exist before the pre-link step: a target-level edge, not only files
add_dependencies(buddy_public_static buddy_objects)
set_target_properties(buddy_public_static PROPERTIES OUTPUT_NAME buddy LINKER_LANGUAGE C EXPORT_NAME buddy_static)
target_include_directories(buddy_public_static INTERFACE ${BUDDY_PUBLIC_INCLUDES})
target_link_libraries(buddy_public_static INTERFACE ${BUDDY_NUMA_LINK} Threads::Threads)
