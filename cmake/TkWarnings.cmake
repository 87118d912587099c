# Compiler flags shared by every target, and the tk_module() helper.

set(TK_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition -Wcast-qual
    -Wformat=2 -Wundef -Wvla -Wdouble-promotion)
set(TK_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=all
    -fno-omit-frame-pointer)

function(tk_apply_flags target)
    target_compile_options(${target} PRIVATE ${TK_WARNINGS})
    if(TK_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
    if(TK_SANITIZE)
        target_compile_options(${target} PRIVATE ${TK_SANITIZERS})
        target_link_options(${target} PRIVATE ${TK_SANITIZERS})
    endif()
    target_compile_definitions(${target} PRIVATE _POSIX_C_SOURCE=200809L)
endfunction()

set(TK_MODULE_TARGETS "" CACHE INTERNAL "")
set(TK_CORE_OBJECTS "" CACHE INTERNAL "")
# The core's libraries, one per layer (libtcpkit is their union).
set(TK_CORE_NAMES "^tk(base|wire|obs|net|tcp|socket|stack)$")

# tk_module(NAME "DIR;DIR" "DEPS" [INCLUDE_ROOT]): one static library from
# the .c files directly in the given directories (not their subdirectories).
# Its sources see include/ and INCLUDE_ROOT (default src/) for private headers.
function(tk_module name dirs deps)
    set(root ${PROJECT_SOURCE_DIR}/src)
    if(ARGC GREATER 3)
        set(root ${ARGV3})
    endif()
    set(srcs "")
    foreach(d ${dirs})
        file(GLOB s CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${d}/*.c)
        list(APPEND srcs ${s})
    endforeach()
    if(NOT srcs)
        return()
    endif()
    add_library(${name}_obj OBJECT ${srcs})
    target_include_directories(${name}_obj PUBLIC ${PROJECT_SOURCE_DIR}/include ${root})
    if(NOT name MATCHES "${TK_CORE_NAMES}")
        target_include_directories(${name}_obj PUBLIC ${PROJECT_SOURCE_DIR}/drivers
                                   ${PROJECT_SOURCE_DIR}/tools)
    endif()
    tk_apply_flags(${name}_obj)
    add_library(${name} STATIC $<TARGET_OBJECTS:${name}_obj>)
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/include
                               ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/drivers
                               ${PROJECT_SOURCE_DIR}/tools)
    foreach(dep ${deps})
        if(TARGET ${dep})
            target_link_libraries(${name} PUBLIC ${dep})
        endif()
    endforeach()
    if(TK_SANITIZE)
        target_link_options(${name} INTERFACE ${TK_SANITIZERS})
    endif()
    set(TK_MODULE_TARGETS ${TK_MODULE_TARGETS} ${name} CACHE INTERNAL "")
    if(name MATCHES "${TK_CORE_NAMES}")
        set(TK_CORE_OBJECTS ${TK_CORE_OBJECTS} $<TARGET_OBJECTS:${name}_obj> CACHE INTERNAL "")
    endif()
endfunction()

# tk_layer(NAME LAYER "LOWER" "DEPS"): the core layer src/LAYER as library
# NAME. Its private include root is a folder of the build tree that holds
# links to src/LAYER and to the LOWER layers' folders only, so a header of a
# layer above cannot even be found (tests/layers checks the same rule on the
# sources themselves). The stack layer, src/ itself, sees everything.
function(tk_layer name layer lower deps)
    set(root ${PROJECT_BINARY_DIR}/layers/${layer})
    file(MAKE_DIRECTORY ${root})
    foreach(d ${lower} ${layer})
        if(NOT EXISTS ${root}/${d})
            file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${d} ${root}/${d} SYMBOLIC)
        endif()
    endforeach()
    tk_module(${name} src/${layer} "${deps}" ${root})
endfunction()
