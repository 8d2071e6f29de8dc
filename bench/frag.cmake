# Fragmentation benchmark (anti-fragmentation issue): public API only, no jemalloc.
add_executable(frag ${CMAKE_CURRENT_LIST_DIR}/frag.c)
target_link_libraries(frag PRIVATE buddy_static)
target_compile_options(frag PRIVATE ${BUDDY_WARNINGS})
