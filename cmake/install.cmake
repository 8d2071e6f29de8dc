# Install rules: headers, libbuddy.so.0 (and libbuddy.a), libbuddy.pc, the
# CMake package (find_package(libbuddy) -> libbuddy::buddy,
# libbuddy::buddy_static), the man pages and buddy-replay (tools/).
include(CMakePackageConfigHelpers)

set(BUDDY_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/libbuddy)
set(BUDDY_INSTALL_TARGETS buddy)
if(BUDDY_BUILD_STATIC)
  list(APPEND BUDDY_INSTALL_TARGETS buddy_public_static)
endif()
set_target_properties(buddy PROPERTIES EXPORT_NAME buddy)

install(TARGETS ${BUDDY_INSTALL_TARGETS} EXPORT libbuddyTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/buddy DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/include/buddy/version.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/buddy)

install(EXPORT libbuddyTargets NAMESPACE libbuddy:: DESTINATION ${BUDDY_CMAKE_DIR})
configure_package_config_file(cmake/libbuddyConfig.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/libbuddyConfig.cmake
  INSTALL_DESTINATION ${BUDDY_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/libbuddyConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/libbuddyConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/libbuddyConfigVersion.cmake
  DESTINATION ${BUDDY_CMAKE_DIR})

# libbuddy.pc: relocatable (the prefix found from the .pc file's own place,
# so `cmake --install --prefix P` works), unless a directory is absolute.
file(RELATIVE_PATH BUDDY_PC_TO_PREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
set(BUDDY_PC_PREFIX "\${pcfiledir}/${BUDDY_PC_TO_PREFIX}")
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(BUDDY_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(BUDDY_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
configure_file(cmake/libbuddy.pc.in ${CMAKE_CURRENT_BINARY_DIR}/libbuddy.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/libbuddy.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(DIRECTORY man/ DESTINATION ${CMAKE_INSTALL_MANDIR} FILES_MATCHING PATTERN "*.[0-9]")
