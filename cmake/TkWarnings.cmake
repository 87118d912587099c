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

# tk_module(NAME "DIR;DIR" "DEPS"): one static library from the .c files
# directly in the given directories (not their subdirectories).
function(tk_module name dirs deps)
    set(srcs "")
    foreach(d ${dirs})
        file(GLOB s CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${d}/*.c)
        list(APPEND srcs ${s})
    endforeach()
    if(NOT srcs)
        return()
    endif()
    add_library(${name}_obj OBJECT ${srcs})
    target_include_directories(${name}_obj PUBLIC ${PROJECT_SOURCE_DIR}/include
                               ${PROJECT_SOURCE_DIR}/src)
    if(NOT name MATCHES "^tk(base|wire|obs|core)$")
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
    if(name MATCHES "^tk(base|wire|obs|core)$")
        set(TK_CORE_OBJECTS ${TK_CORE_OBJECTS} $<TARGET_OBJECTS:${name}_obj> CACHE INTERNAL "")
    endif()
endfunction()
